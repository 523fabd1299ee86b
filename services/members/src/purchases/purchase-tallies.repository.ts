import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce, isDuplicateKey } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import type { Tally } from './purchase-stats';

/**
 * What one run of POS messages added to each buyer's figures, stored as one document and
 * folded into the member documents later (fold-purchase-figures.ts). The run covers offsets
 * `from..to` of one partition; `_id` is `p<partition>/<from>`, and `from` is always one past
 * what the partition had recorded, so the same run recorded twice (a redelivery after a
 * crash) collides on `_id` instead of counting twice.
 */
export interface RunTally {
  _id: string;
  partition: number;
  from: number;
  to: number;
  members: { memberId: string; tally: Tally }[];
  recordedAt: Date;
}

/**
 * Per partition, how far runs are recorded (written by the partition's consumer only) and,
 * in another document, how far they are folded (written by the fold only). FerretDB applies
 * an update as read, change, write back: two writers of one document could undo each other.
 */
export interface RecordedMark {
  _id: string;
  partition: number;
  recordedThrough: number;
}

export interface FoldState {
  _id: string;
  partition: number;
  foldedThrough: number;
  window: { to: number; tallyIds: string[] } | null;
}

const TALLIES = 'purchase_tallies';
const RECORDED = 'purchase_runs_recorded';
const FOLDS = 'purchase_folds';

@Injectable()
export class PurchaseTallyRepository {
  readonly tallies: mongo.Collection<RunTally>;
  readonly recorded: mongo.Collection<RecordedMark>;
  readonly folds: mongo.Collection<FoldState>;

  constructor(@InjectMongo() connection: Connection) {
    this.tallies = connection.db!.collection<RunTally>(TALLIES);
    this.recorded = connection.db!.collection<RecordedMark>(RECORDED);
    this.folds = connection.db!.collection<FoldState>(FOLDS);
  }

  /**
   * Records a run of one partition once. `tallyAfter(offset)` tallies the run's messages past
   * `offset`: those not yet recorded by an earlier attempt. Returns the tally's offset range,
   * or null when everything was already recorded.
   */
  async record(
    partition: number,
    lastOffset: number,
    tallyAfter: (offset: number) => RunTally['members'],
  ): Promise<{ from: number; to: number } | null> {
    const mark = await dbSpan(RECORDED, 'find', () =>
      this.recorded.findOne({ _id: stateId(partition) }),
    );
    let covered = mark?.recordedThrough ?? -1;
    while (covered < lastOffset) {
      const from = covered + 1;
      const members = tallyAfter(covered);
      try {
        // A run without members' sales still moves the mark; only tallies need a document.
        if (members.length > 0)
          await dbSpan(TALLIES, 'insert', () =>
            this.tallies.insertOne({
              _id: tallyId(partition, from),
              partition,
              from,
              to: lastOffset,
              members,
              recordedAt: new Date(),
            }),
          );
        await this.markRecorded(partition, lastOffset);
        return { from, to: lastOffset };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Recorded before, and the mark not moved after it (a crash in between).
        const earlier = await this.tallies.findOne(
          { _id: tallyId(partition, from) },
          { projection: { to: 1 } },
        );
        covered = earlier!.to;
        await this.markRecorded(partition, covered);
      }
    }
    return null;
  }

  async state(partition: number): Promise<FoldState> {
    const state = await dbSpan(FOLDS, 'find', () =>
      this.folds.findOne({ _id: stateId(partition) }),
    );
    return state ?? { _id: stateId(partition), partition, foldedThrough: -1, window: null };
  }

  /** The fold state of every partition that has recorded a run. */
  async allStates(): Promise<FoldState[]> {
    const marks = await dbSpan(RECORDED, 'find', () => this.recorded.find({}).toArray());
    return Promise.all(marks.map((mark) => this.state(mark.partition)));
  }

  /**
   * The tallies of a partition ready to fold, oldest first: not folded yet, and covered by
   * the partition's recorded mark. A tally the mark has not reached may belong to a run cut
   * short by a crash; once folded it is deleted, and a redelivery would then record its
   * offsets again under the same id.
   */
  async pending(partition: number, after: number): Promise<RunTally[]> {
    const [mark, all] = await Promise.all([
      dbSpan(RECORDED, 'find', () => this.recorded.findOne({ _id: stateId(partition) })),
      dbSpan(TALLIES, 'find', () =>
        this.tallies.find({ partition }, { projection: { members: 0 } }).toArray(),
      ),
    ]);
    const recordedThrough = mark?.recordedThrough ?? -1;
    return all
      .filter((tally) => tally.from > after && tally.to <= recordedThrough)
      .sort((a, b) => a.from - b.from);
  }

  async byIds(ids: string[]): Promise<RunTally[]> {
    // Each by `_id`: FerretDB pushes only `_id` equality down to its storage.
    return Promise.all(
      ids.map((id) =>
        dbSpan(TALLIES, 'find', () => this.tallies.findOne({ _id: id })).then((tally) => {
          if (!tally) throw new Error(`purchase tally ${id} is missing from its fold window`);
          return tally;
        }),
      ),
    );
  }

  /** Opens a window over `tallyIds` unless one is open; returns the partition's open window. */
  async openWindow(partition: number, window: NonNullable<FoldState['window']>) {
    await insertOnce(() =>
      dbSpan(FOLDS, 'insert', () =>
        this.folds.insertOne({
          _id: stateId(partition),
          partition,
          foldedThrough: -1,
          window: null,
        }),
      ),
    );
    await dbSpan(FOLDS, 'update', () =>
      this.folds.updateOne({ _id: stateId(partition), window: null }, { $set: { window } }),
    );
    return (await this.state(partition)).window;
  }

  async closeWindow(partition: number, window: NonNullable<FoldState['window']>): Promise<void> {
    await dbSpan(FOLDS, 'update', () =>
      this.folds.updateOne(
        { _id: stateId(partition), 'window.to': window.to },
        { $set: { window: null, foldedThrough: window.to } },
      ),
    );
    for (const id of window.tallyIds)
      await dbSpan(TALLIES, 'delete', () => this.tallies.deleteOne({ _id: id }));
  }

  private markRecorded(partition: number, through: number) {
    return dbSpan(RECORDED, 'update', () =>
      this.recorded.updateOne(
        { _id: stateId(partition) },
        { $max: { recordedThrough: through }, $setOnInsert: { partition } },
        { upsert: true },
      ),
    );
  }
}

const tallyId = (partition: number, from: number) => `p${partition}/${from}`;
const stateId = (partition: number) => `p${partition}`;
