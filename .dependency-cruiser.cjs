/**
 * The layers of src/ (DESIGN.md, "Layout: layers that import downward"), checked by
 * `npm run lint` (depcruise):
 *
 *   top       main.ts, app.ts, app.module.ts, openapi.ts, cli/, demo/   boots and wires the roles
 *   pages     web/                                                      server-rendered pages
 *   features  appeals, auth, cycles, members, outcomes, stats, operations, print (print runs),
 *             moderation (solidarity messages), inbound (the inbound mail listener, replies,
 *             suppressions), retention (the RETENTION_DAYS scrub): rules + controllers
 *   delivery  delivery/          the worker side, and the queue producers features call
 *   records   letters, templates, cases, officials, supporters, mailings, printing: entities, their
 *             services, repositories, pure helpers (mailings: member mail's tables, cycle_invitations and
 *             case_outcome_mails, below delivery so that the worker and the features share them;
 *             printing: the print_runs table and the pure PDF and CSV writers of print runs,
 *             called by the print-run job above it; messages: members' messages of solidarity;
 *             inbound-mail: the inbound_mail table, what the inbound listener received)
 *   base      config/, common/, database/
 *
 * A folder imports only folders of lower layers, plus, inside a layer, the edges named
 * here: cycles -> appeals; outcomes -> appeals (appeal statuses and their lock) and
 * operations -> auth among features; templates (the one rendering path) -> cases, officials,
 * supporters, printing (whether the print fonts can set a template a post appeal uses;
 * printing imports no other record: its dates come from common/i18n), letters -> supporters,
 * cases (a letter's case, read with it), mailings -> supporters, cases (the members mailed,
 * the case a mail speaks of) and messages -> supporters, cases, printing (a message the
 * cards' fonts cannot print is refused: the fonts' own check) among records;
 * common -> config and database -> config, common in the base. No cycle of files either.
 */
const LAYERS = {
  top: '^src/(main|app|app\\.module|openapi)\\.ts$|^src/(cli|demo)/',
  pages: '^src/web/',
  features: '^src/(appeals|auth|cycles|members|outcomes|stats|operations|print|moderation|inbound|retention)/',
  delivery: '^src/delivery/',
  records: '^src/(letters|templates|cases|officials|supporters|mailings|printing|messages|inbound-mail)/',
  base: '^src/(config|common|database)/',
};
const ORDER = ['top', 'pages', 'features', 'delivery', 'records', 'base'];

/** No layer imports one above it. */
const upward = ORDER.slice(1).map((layer, index) => ({
  name: `${layer}-imports-up`,
  severity: 'error',
  comment: `${layer} imports only layers below it (${ORDER.slice(index + 2).join(', ') || 'none'})`,
  from: { path: LAYERS[layer] },
  to: { path: ORDER.slice(0, index + 1).map((above) => LAYERS[above]).join('|') },
}));

/** Inside a layer, a folder imports only itself and the folders listed for it. */
const within = (name, folders, allowed) =>
  folders.map((folder) => ({
    name: `${name}-${folder}`,
    severity: 'error',
    comment: `${folder} imports ${allowed[folder]?.length ? allowed[folder].join(', ') : 'no other folder'} of its layer`,
    from: { path: `^src/${folder}/` },
    to: { path: `^src/(${folders.join('|')})/`, pathNot: `^src/(${[folder, ...(allowed[folder] ?? [])].join('|')})/` },
  }));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      // A TypeORM relation names its other side in both entities (resolved lazily, `() => Case`): that pair is not a cycle of code.
      comment: 'files that import each other in a cycle',
      from: { path: '^src/', pathNot: '\\.entity\\.ts$' },
      to: { circular: true },
    },
    ...upward,
    ...within('feature', ['appeals', 'auth', 'cycles', 'members', 'outcomes', 'stats', 'operations', 'print', 'moderation', 'inbound'], { cycles: ['appeals'], outcomes: ['appeals'], operations: ['auth'] }),
    ...within('record', ['letters', 'templates', 'cases', 'officials', 'supporters', 'mailings', 'printing', 'messages', 'inbound-mail'], { templates: ['cases', 'officials', 'supporters', 'printing'], letters: ['supporters', 'cases'], mailings: ['supporters', 'cases'], messages: ['supporters', 'cases', 'printing'] }),
    ...within('base', ['config', 'common', 'database'], { common: ['config'], database: ['config', 'common'] }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
