import { Injectable } from '@nestjs/common';
import {
  type MemberTimelinePage,
  type MemberTimelineRequest,
  parseTimelineCursor,
  timelineCursor,
  type TimelineItem,
} from '@crm/contracts';
import { PlansRepository } from '../plans/plans.repository';
import { CareTasksRepository } from '../tasks/care-tasks.repository';

/** Most records of each kind read for one member's timeline. */
const READ_LIMIT = 2000;

/**
 * care-plans' part of the 360° timeline: plans enrolled and changed, tasks done or cancelled;
 * facts and ids only (no notes, no outcomes' free text), newest first with the shared cursor.
 */
@Injectable()
export class MemberTimeline {
  constructor(
    private readonly plans: PlansRepository,
    private readonly tasks: CareTasksRepository,
  ) {}

  async execute(request: MemberTimelineRequest): Promise<MemberTimelinePage> {
    const [plans, tasks] = await Promise.all([
      this.plans.ofMember(request.memberId),
      this.tasks.ofMember(request.memberId, READ_LIMIT),
    ]);
    const items: TimelineItem[] = [];
    for (const plan of plans) {
      items.push(
        item(
          plan.enrolledAt,
          'plan.enrolled',
          plan._id,
          `Enrolled in ${plan.templateId} care plan`,
        ),
      );
      plan.history.forEach((t, i) =>
        items.push(
          item(
            t.at,
            `plan.${t.action === 'stop' ? 'stopped' : t.action === 'pause' ? 'paused' : 'resumed'}`,
            `${plan._id}:t${i + 1}`,
            `Care plan ${t.action}`,
          ),
        ),
      );
    }
    for (const task of tasks)
      if (task.closedAt && task.status !== 'open')
        items.push(
          item(
            task.closedAt,
            `task.${task.status === 'done' ? 'completed' : 'cancelled'}`,
            task._id,
            `${task.kind} ${task.status === 'done' ? `done: ${task.outcome}` : 'cancelled'}`,
          ),
        );
    items.sort(
      (a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    const cursor = parseTimelineCursor(request.cursor);
    const after = cursor
      ? items.filter((i) => {
          const at = Date.parse(i.at);
          return at < cursor.at.getTime() || (at === cursor.at.getTime() && i.id < cursor.id);
        })
      : items;
    const limit = request.limit ?? 20;
    const page = after.slice(0, limit);
    return {
      items: page,
      nextCursor: after.length > limit ? timelineCursor(page[page.length - 1]!) : null,
    };
  }
}

function item(at: Date, kind: string, id: string, summary: string): TimelineItem {
  return { at: at.toISOString(), service: 'care-plans', kind, id, summary };
}
