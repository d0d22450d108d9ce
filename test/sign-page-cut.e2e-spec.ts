import { SigningService } from '../src/web/signing.service';
import { LayoutModel, ViewsService } from '../src/web/views.service';
import { aCoordinator, aCycle, aMember, aMonth, memberTokens, Month } from './browser/helpers/month';
import { startTestApp, TestApp } from './helpers/test-app';

/**
 * The signing page of a member who has signed nothing is the page every such member of
 * their language, style and message boxes sees, but for their own words: it is rendered
 * once per month's content and shape, cut at those words, and each member's page is the cut
 * joined with their own (SigningService.pageHtml). Every member's page must be exactly the
 * page rendered whole, whatever their name, city, country, style or language holds.
 */
describe("the signing page cut at the member's words", () => {
  let app: TestApp;
  let coordinator: string;
  let month: Month;
  let cycleId: string;
  let signing: SigningService;
  let views: ViewsService;

  const layoutOf = (token: string) => (language: string, cycleTitle: string): LayoutModel => ({
    title: `${cycleTitle} (${language})`,
    language,
    nav: [{ href: `/sign/${token}`, label: 'This month', current: true }],
    unsubscribeUrl: `/unsubscribe/u-${token.slice(-8)}`,
  });

  beforeAll(async () => {
    app = await startTestApp('sign_page_cut');
    coordinator = await aCoordinator(app.api, app.adminToken, 'cut');
    month = await aMonth(app.api, coordinator, 3, 'cut');
    // The second case is high-risk: its letters and choices never carry a full name or a city.
    expect((await app.api.patch(`/api/cases/${month.appeals[1].caseId}`, { risk: 'high' }, coordinator)).status).toBe(200);
    cycleId = await aCycle(app.api, coordinator, month.appeals.map((appeal) => appeal.appealId));
    signing = app.nest.get(SigningService);
    views = app.nest.get(ViewsService);
  });

  afterAll(async () => {
    await app?.close();
  });

  const members: Record<string, unknown>[] = [
    { name: 'Jane Quinn Doe', city: 'Toronto', country: 'CA', language: 'en', signatureStyle: 'full' },
    { name: 'Ana <b>Lima</b> & "Sons"', city: "Recife 'Norte'", country: 'BR', language: 'en', signatureStyle: 'full' },
    { name: 'Kwame Mensah', city: null, country: 'GH', language: 'en', signatureStyle: 'full' },
    { name: 'jean-luc picard', city: 'Paris', country: 'FR', language: 'en', signatureStyle: 'initials' },
    { name: 'Émile Zola=`x`', city: 'Lyon', country: 'FR', language: 'en', signatureStyle: 'initials' },
    { name: 'Mira Sol', city: 'Quito', country: 'EC', language: 'en', signatureStyle: 'anonymous' },
    { name: 'Олег Петров', city: 'Казань', country: 'RU', language: 'ru', signatureStyle: 'full' },
    { name: 'Анна Иванова', city: null, country: 'KZ', language: 'ru', signatureStyle: 'full' },
    { name: 'Пётр Сидоров', city: 'Омск', country: 'RU', language: 'ru', signatureStyle: 'initials' },
  ];

  it('gives every member exactly the page rendered whole, cutting once per shape', async () => {
    const tokens = memberTokens(app.config.appSecret);
    // Every member first: a staff write drops the month's content kept in memory, and with it its cuts.
    const made: { id: string; language: string; token: string }[] = [];
    for (let round = 0; round < 2; round += 1) {
      for (const overrides of members) {
        const member = await aMember(app.api, coordinator, overrides);
        made.push({ id: member.id, language: String(overrides.language), token: tokens.issue('sign', { supporterId: member.id, cycleId }) });
      }
    }
    const render = jest.spyOn(views, 'render');
    try {
      for (const { id, language, token } of made) {
        const cut = await signing.pageHtml(token, layoutOf(token));
        const whole = views.render('sign', await signing.page(token, { supporterId: id, cycleId }), layoutOf(token)(language, 'November letters'));
        expect(cut).toBe(whole);
        expect(cut).toContain(`/sign/${token}`);
      }
      // Whole renderings: the test's own one per page, and for each shape (each language and
      // style) its first page, its second with the marked one the cut is made of; every
      // other page came from a cut.
      const shapes = new Set(members.map((member) => `${member.language}|${member.signatureStyle}`)).size;
      expect(render.mock.calls.length).toBe(made.length + shapes * 3);
    } finally {
      render.mockRestore();
    }
  });

  it('renders whole the page of a member who has signed', async () => {
    const tokens = memberTokens(app.config.appSecret);
    const signer = await aMember(app.api, coordinator, { name: 'Sam Signer', city: 'Oslo', country: 'NO', language: 'en', signatureStyle: 'full' });
    const token = tokens.issue('sign', { supporterId: signer.id, cycleId });
    const form = new URLSearchParams({ appealIds: month.appeals[0].appealId });
    const posted = await fetch(`${app.api.baseUrl}/sign/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.config.publicUrl }, body: form });
    expect(posted.status).toBe(200);

    const render = jest.spyOn(views, 'render');
    try {
      const page = await signing.pageHtml(token, layoutOf(token));
      expect(render).toHaveBeenCalledTimes(1);
      // Rendered whole (its letters' statuses move as the worker sends them, so no cut could hold it).
      expect(page).toContain('tag-signed');
      expect(page).toMatch(/status-(queued|sending|sent)/);
    } finally {
      render.mockRestore();
    }
  });
});
