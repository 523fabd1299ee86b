import type { CarePlanTemplateRequest, PlanStep } from '@crm/contracts';

const step = (
  week: number,
  kind: PlanStep['kind'],
  actor: PlanStep['actor'],
  contentKey: string,
  zh: string,
  en: string,
  dayOfWeek = 0,
): PlanStep => ({
  offsetDays: week * 7 + dayOfWeek,
  kind,
  actor,
  contentKey,
  content: { 'zh-CN': zh, en },
});

/** The starting templates (seeded as version 1 for ids the store lacks; admins version them). */
export const DEFAULT_TEMPLATES: CarePlanTemplateRequest[] = [
  {
    // 003: the eight-week osteoporosis plan.
    templateId: 'osteoporosis',
    name: { 'zh-CN': '骨质疏松慢病管理（8周）', en: 'Osteoporosis care (8 weeks)' },
    condition: 'osteoporosis',
    steps: [
      step(
        0,
        'guidance',
        'pharmacist',
        'osteoporosis.w0.medication-guidance',
        '用药指导',
        'Medication guidance',
      ),
      step(
        2,
        'reminder',
        'member',
        'osteoporosis.w2.take-medicine',
        '按时服药提醒',
        'Reminder to take the medicine',
      ),
      step(3, 'guidance', 'member', 'osteoporosis.w3.diet', '饮食指导', 'Diet guidance'),
      step(
        3,
        'reminder',
        'member',
        'osteoporosis.w3.take-medicine',
        '按时服药提醒',
        'Reminder to take the medicine',
      ),
      step(
        4,
        'guidance',
        'member',
        'osteoporosis.w4.fall-prevention',
        '防跌倒指导',
        'Fall-prevention guidance',
      ),
      step(4, 'refill', 'member', 'osteoporosis.w4.refill', '续药提醒', 'Refill reminder'),
      step(
        6,
        'visit',
        'member',
        'osteoporosis.w6.follow-up-visit',
        '复诊提醒',
        'Follow-up visit reminder',
      ),
      step(6, 'guidance', 'member', 'osteoporosis.w6.exercise', '运动指导', 'Exercise guidance'),
      step(
        8,
        'review',
        'pharmacist',
        'osteoporosis.w8.review',
        '药师复评与调整',
        'Review and adjust with the pharmacist',
      ),
    ],
  },
  {
    // 000: diabetes — diet, exercise and medication, with glucose checks.
    templateId: 'type2-diabetes',
    name: { 'zh-CN': '2型糖尿病慢病管理（12周）', en: 'Type 2 diabetes care (12 weeks)' },
    condition: 'diabetes',
    steps: [
      step(
        0,
        'guidance',
        'pharmacist',
        'diabetes.w0.medication-guidance',
        '用药指导',
        'Medication guidance',
      ),
      step(1, 'guidance', 'member', 'diabetes.w1.diet', '饮食指导', 'Diet guidance'),
      step(2, 'guidance', 'member', 'diabetes.w2.exercise', '运动指导', 'Exercise guidance'),
      step(
        4,
        'call',
        'pharmacist',
        'diabetes.w4.glucose-check',
        '血糖监测回访',
        'Glucose check call',
      ),
      step(4, 'refill', 'member', 'diabetes.w4.refill', '续药提醒', 'Refill reminder'),
      step(8, 'visit', 'store', 'diabetes.w8.visit', '到店测血糖', 'In-store glucose check'),
      step(
        12,
        'review',
        'pharmacist',
        'diabetes.w12.review',
        '药师复评（糖化血红蛋白）',
        'Review with HbA1c',
      ),
    ],
  },
  {
    // 000: hypertension — regular blood-pressure checks and refills.
    templateId: 'hypertension',
    name: { 'zh-CN': '高血压慢病管理（8周）', en: 'Hypertension care (8 weeks)' },
    condition: 'hypertension',
    steps: [
      step(
        0,
        'guidance',
        'pharmacist',
        'hypertension.w0.medication-guidance',
        '用药指导',
        'Medication guidance',
      ),
      step(
        1,
        'reminder',
        'member',
        'hypertension.w1.measure-bp',
        '每日测量血压提醒',
        'Reminder to measure blood pressure daily',
      ),
      step(2, 'call', 'store', 'hypertension.w2.bp-check', '血压回访', 'Blood-pressure check call'),
      step(4, 'refill', 'member', 'hypertension.w4.refill', '续药提醒', 'Refill reminder'),
      step(
        4,
        'visit',
        'store',
        'hypertension.w4.visit',
        '到店测血压',
        'In-store blood-pressure check',
      ),
      step(
        8,
        'review',
        'pharmacist',
        'hypertension.w8.review',
        '药师复评（血压、血脂）',
        'Review of blood pressure and lipids',
      ),
    ],
  },
];
