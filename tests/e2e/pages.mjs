// Page objects: every selector the tests use, by data-testid.
export class HomePage {
  constructor(page) {
    this.page = page;
    this.title = page.getByTestId('home-title');
    this.intro = page.getByTestId('home-intro');
    this.checkButton = page.getByTestId('start-check');
    this.reportButton = page.getByTestId('start-report');
  }
  async open() {
    await this.page.goto('/');
    await this.title.waitFor();
  }
  async switchLanguage(tag) {
    await this.page.getByTestId(`lang-${tag}`).click();
  }
}

export class CheckPage {
  constructor(page) {
    this.page = page;
    this.questionTitle = page.getByTestId('question-title');
    this.progress = page.getByTestId('progress');
    this.back = page.getByTestId('back');
    this.summary = page.getByTestId('summary');
    this.summaryEmpty = page.getByTestId('summary-empty');
    this.clearButton = page.getByTestId('clear-data');
    this.clearYes = page.getByTestId('clear-yes');
    this.clearDone = page.getByTestId('clear-done');
  }
  choice(value) {
    return this.page.getByTestId(`choice-${value}`);
  }
  answer(questionId) {
    return this.page.getByTestId(`answer-${questionId}-value`);
  }
  change(questionId) {
    return this.page.getByTestId(`change-${questionId}`);
  }
  async clearAll() {
    await this.clearButton.click();
    await this.clearYes.click();
    await this.clearDone.waitFor();
  }
  /** On the member list (the screen after the region): adds these people, then 「都加好了」. */
  async listMembers(people) {
    for (const [i, { relation, age }] of people.entries()) {
      await this.page.getByTestId('add-member').click();
      await this.choice(relation).click();
      await this.page.getByTestId('number-input').fill(String(age));
      await this.page.getByTestId('confirm').click();
      await this.page.getByTestId(`member-${i}`).waitFor();
    }
    await this.page.getByTestId('members-done').click();
    await this.page.waitForURL((u) => !u.pathname.endsWith('/check/members'));
  }
}

export class ReportPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByTestId('report-title');
    this.channel = page.getByTestId('report-channel');
    this.next = page.getByTestId('report-next');
    this.consentTruthful = page.getByTestId('consent-truthful');
    this.consentPersonalInfo = page.getByTestId('consent-personal_info');
    this.submit = page.getByTestId('report-submit');
    this.receipt = page.getByTestId('receipt-code');
    this.sendError = page.getByTestId('send-error');
    this.errorSummary = page.getByTestId('error-summary');
    this.refused = page.getByTestId('report-refused');
  }
  /** Fills the first step and gives both consents: ready to send. */
  async fillAndConsent(values) {
    await this.open();
    await this.fill(values);
    await this.next.click();
    await this.consentTruthful.check();
    await this.consentPersonalInfo.check();
  }
  /** ...and sends it: the receipt code, once acknowledged. */
  async send(values) {
    await this.fillAndConsent(values);
    await this.submit.click();
    await this.receipt.waitFor();
    return (await this.receipt.textContent()).trim();
  }
  async open() {
    await this.page.goto('/report');
    await this.heading.waitFor();
  }
  /** The input of a field, by its path in the declaration (`applicant.id_number`). */
  field(path) {
    return this.page.getByTestId(`field-${path}`);
  }
  fieldError(path) {
    return this.page.getByTestId(`error-${path}`);
  }
  region(key) {
    return this.page.getByTestId(`region-${key}`);
  }
  risk(key) {
    return this.page.getByTestId(`risk-${key}`);
  }
  /** A button of a place picker: `place-county-350821`, `place-township-…`, `place-village-…`. */
  placeOption(step, code) {
    return this.page.getByTestId(`place-${step}-${code}`);
  }
  /**
   * Chooses a place by its codes, from the county down: `[county, township, village]` (a
   * village code, or omitted to stop at the township).
   */
  async choosePlace(codes) {
    const steps = ['county', 'township', 'village'];
    for (const [i, code] of codes.entries()) await this.placeOption(steps[i], code).click();
  }
  /**
   * Fills the first step; `values` maps field paths to text, plus `region`, `risks` and
   * `place` (codes for choosePlace).
   */
  async fill(values) {
    if (values.region) await this.region(values.region).check();
    if (values.place) await this.choosePlace(values.place);
    for (const key of values.risks ?? []) await this.risk(key).check();
    for (const [path, text] of Object.entries(values)) {
      if (path === 'region' || path === 'risks' || path === 'place') continue;
      await this.field(path).fill(text);
    }
  }
}
