// The results page (/results) without walking the questionnaire: the answers are put on the device
// the way the app stores them (src/storage.rs: `xiangqin.answers.v1`, the rules' household facts
// plus the questionnaire's own notes), so the tests do not depend on the order of the questions.
// And helpers to open what the page keeps closed: a group of "maybe"s, a card.

import { ANSWERS_KEY } from './harness.mjs';

export { ANSWERS_KEY };

/**
 * The Longyan household of issue 19: 68, lifted out of poverty, wife 66 with diabetes, son 40
 * working outside the county, a big medical bill — every question answered.
 */
export const LONGYAN_68 = {
  region: 'longyan',
  household: {
    poverty_status: 'lifted_out',
    returned_to_poverty: false,
    dibao: false,
    tekun: false,
    low_income_family: false,
    relocated: false,
    recent_shocks: ['illness'],
    rigid_expense: { medical: 60000 },
    income_drop_sharp: true,
    basic_living_hardship: false,
    housing_unsafe: false,
    water_unsafe: false,
    toilet_unimproved: false,
    livelihoods: ['grain', 'migrant_work'],
    income_total_yuan: 24000,
    credit_need: 'none',
    poverty_assets: false,
  },
  members: [
    { relation: 'head', age: 68, can_work: 'partial', self_care: 'full', pension_insured: true, pension_drawing: true, medical_insured: true, serious_illness: true, chronic_disease: [], disability_kind: 'none', school_stage: 'none', working_outside_county: false },
    { relation: 'spouse', age: 66, can_work: 'partial', self_care: 'full', pension_insured: true, pension_drawing: true, medical_insured: true, serious_illness: false, chronic_disease: ['diabetes'], disability_kind: 'none', school_stage: 'none', working_outside_county: false },
    { relation: 'child', age: 40, can_work: 'full', self_care: 'full', pension_insured: true, pension_drawing: false, medical_insured: true, serious_illness: false, chronic_disease: [], disability_kind: 'none', school_stage: 'none', working_outside_county: true },
  ],
};

/**
 * The same household having answered fewer questions: some left unanswered, one 「不清楚」 —
 * so that some of its "maybe"s are settled by questions and some only by the village committee.
 */
export function longyanPartly() {
  const a = structuredClone(LONGYAN_68);
  for (const k of ['low_income_family', 'toilet_unimproved', 'credit_need', 'poverty_assets', 'returned_to_poverty']) delete a.household[k];
  for (const m of a.members) delete m.school_stage;
  delete a.members[0].working_outside_county;
  delete a.members[1].working_outside_county;
  delete a.members[2].serious_illness;
  a.unsure = ['household.poverty_assets'];
  return a;
}

/** Opens the app with these answers stored on the device, then `path`. */
export async function withAnswers(page, answers, path = '/results') {
  await page.goto('/');
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [ANSWERS_KEY, JSON.stringify(answers)]);
  await page.goto(path);
}

/** Opens the group (if closed) that holds this card, then the card: the card's locator. */
export async function openResult(page, id) {
  const card = page.getByTestId(`result-${id}`);
  await card.waitFor({ state: 'attached' });
  const group = card.locator('xpath=ancestor::details[contains(@class, "maybe-group")]');
  if ((await group.count()) > 0 && !(await group.evaluate((d) => d.open))) {
    await group.getByTestId('group-summary').click();
  }
  if (!(await card.evaluate((d) => d.open))) await card.getByTestId('card-summary').click();
  await card.getByTestId('policy-link').waitFor();
  return card;
}
