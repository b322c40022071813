// @ts-check
import { baseUrl, call } from './api.mjs';
import { copyable, h, replace, table } from './dom.mjs';

/**
 * How to point Grafana at this server: the URL for each plugin, the provisioning YAML and the
 * `grafana provision` command, for the URL Grafana reaches the server by (this page's, unless changed).
 * @param {HTMLElement} root
 */
export async function connect(root) {
  const url = h('input', {
    value: baseUrl(),
    class: 'url',
    'aria-label': 'URL Grafana reaches this server by',
    name: 'url',
  });
  const out = h('div', { class: 'connect-out' });
  const load = async () => {
    const answer = await call(`ui/api/connect?url=${encodeURIComponent(url.value)}`);
    if (!answer.ok) {
      replace(out, h('p', { class: 'error' }, answer.body?.message ?? `status ${answer.status}`));
      return;
    }
    const a = answer.body;
    replace(
      out,
      h('h3', {}, 'Data source URL'),
      table(
        ['Plugin', 'Type', 'URL'],
        a.plugins.map((/** @type {any} */ p) => [
          p.name,
          h('code', {}, p.type),
          h('code', { class: 'ds-url' }, p.url),
        ]),
        'data',
      ),
      h('h3', {}, 'Provisioning file (JSON and SimpleJSON)'),
      copyable(a.yaml, 'Copy YAML'),
      h('h3', {}, 'Provisioning file (Infinity)'),
      copyable(a.infinityYaml, 'Copy YAML'),
      h('h3', {}, 'Or let the server register itself through Grafana’s API'),
      copyable(a.commands.provision, 'Copy command'),
      copyable(a.commands.yaml, 'Copy command'),
    );
  };
  url.addEventListener('change', () => void load());
  replace(
    root,
    h(
      'div',
      { class: 'connect' },
      h(
        'p',
        {},
        'The URL Grafana uses to reach this server (from Grafana’s side: a Docker network name, say): ',
        url,
      ),
      out,
    ),
  );
  await load();
}
