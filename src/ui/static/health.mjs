// @ts-check
import { call } from './api.mjs';
import { h, replace, table } from './dom.mjs';

/**
 * What was loaded from where, the load warnings, each database and whether it answers, and what
 * `GET /` (Grafana's Save & test) answers now.
 * @param {HTMLElement} root
 * @param {any} info ui/api/info
 */
export async function health(root, info) {
  const [saveAndTest, checks] = await Promise.all([call('', undefined), call('ui/api/checks')]);
  /** @type {any[]} */
  const results = checks.ok ? checks.body.checks : [];
  const f = info.fixtures;
  replace(
    root,
    h(
      'div',
      { class: 'health' },
      h('h2', {}, `simplejson-server ${info.version}`),
      h(
        'p',
        { class: saveAndTest.ok ? 'ok' : 'error', 'data-save-and-test': saveAndTest.status },
        `Save & test (GET /): ${saveAndTest.status} `,
        saveAndTest.ok ? 'ok' : (saveAndTest.body?.message ?? ''),
      ),
      h('h3', {}, 'Loaded'),
      f === null
        ? h('p', {}, 'This server was not told what it loaded (built in code without a fixture report).')
        : h(
            'div',
            { class: 'fixtures' },
            h(
              'p',
              {},
              'From ',
              h('code', {}, f.source),
              ` (${f.files.length} JSON file${f.files.length === 1 ? '' : 's'})`,
            ),
            f.files.length > 0
              ? h('ul', { class: 'files' }, ...f.files.map((/** @type {string} */ name) => h('li', {}, name)))
              : null,
            h('h3', {}, `Warnings (${f.warnings.length})`),
            f.warnings.length === 0
              ? h('p', {}, 'none')
              : h(
                  'ul',
                  { class: 'warnings' },
                  ...f.warnings.map((/** @type {string} */ w) => h('li', {}, w)),
                ),
          ),
      h('h3', {}, `Databases (${info.databases.length})`),
      results.length === 0
        ? h('p', {}, 'none declared')
        : table(
            ['Check', 'Answers', 'ms', 'Message'],
            results.map((/** @type {any} */ c) => [
              c.name,
              h('span', { class: c.ok ? 'ok' : 'error' }, c.ok ? 'yes' : 'no'),
              c.ms,
              c.message ?? '',
            ]),
            'checks',
          ),
      h('h3', {}, `Metrics (${info.metrics.length}) and annotation sets (${info.annotationSets.length})`),
      table(
        ['Name', 'Kind', 'Source', 'Unit', 'Labels'],
        info.metrics.map((/** @type {any} */ m) => [
          m.name,
          m.kind,
          m.source,
          m.unit ?? '',
          Object.entries(m.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        ]),
        'data',
      ),
      table(
        ['Annotation set', 'Tags', 'Events', 'Recurring'],
        info.annotationSets.map((/** @type {any} */ s) => [s.name, s.tags.join(', '), s.events, s.recurring]),
        'data',
      ),
      h(
        'p',
        {},
        `Auth: ${info.auth.length === 0 ? 'off' : info.auth.join(' and ')}. Request journal: ${info.journal ? 'on' : 'off'}.`,
      ),
    ),
  );
}
