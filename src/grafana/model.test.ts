import { changes, createBody, updateBody } from './model';
import type { DesiredDataSource, GrafanaDataSource } from './types';

const want: DesiredDataSource = {
  name: 'sj',
  type: 'simpod-json-datasource',
  uid: undefined,
  access: 'proxy',
  url: 'http://simplejson:8080',
  basicAuthUser: undefined,
  withCredentials: false,
  isDefault: false,
};

/** A GET-by-name answer shaped like data_source.md's example. */
const have: GrafanaDataSource = {
  id: 7,
  uid: 'kLtEtcRGk',
  orgId: 1,
  name: 'sj',
  type: 'simpod-json-datasource',
  typeLogoUrl: '',
  access: 'proxy',
  url: 'http://simplejson:8080',
  user: '',
  database: '',
  basicAuth: false,
  basicAuthUser: '',
  withCredentials: false,
  isDefault: false,
  jsonData: { custom: 1 },
  secureJsonFields: {},
  version: 3,
  readOnly: false,
};

describe('createBody', () => {
  it.each([
    ['no basic auth', want, undefined, { basicAuth: false, basicAuthUser: '' }],
    [
      'basic auth with a password',
      { ...want, basicAuthUser: 'g' },
      'pw',
      { basicAuth: true, basicAuthUser: 'g', secureJsonData: { basicAuthPassword: 'pw' } },
    ],
    [
      'basic auth, password kept by Grafana',
      { ...want, basicAuthUser: 'g' },
      undefined,
      { basicAuth: true, basicAuthUser: 'g' },
    ],
    ['a fixed uid', { ...want, uid: 'u1' }, undefined, { uid: 'u1' }],
  ])('%s', (_, w, password, expected) => {
    const body = createBody(w, password);
    expect(body).toMatchObject(expected);
    if (!('secureJsonData' in expected)) expect(body).not.toHaveProperty('secureJsonData');
    if (!('uid' in expected)) expect(body).not.toHaveProperty('uid');
  });
});

describe('updateBody', () => {
  it('carries id, uid, version and the fields it does not manage', () => {
    expect(updateBody(have, { ...want, url: 'http://new' }, undefined)).toEqual({
      id: 7,
      uid: 'kLtEtcRGk',
      version: 3,
      name: 'sj',
      type: 'simpod-json-datasource',
      access: 'proxy',
      url: 'http://new',
      user: '',
      database: '',
      basicAuth: false,
      basicAuthUser: '',
      withCredentials: false,
      isDefault: false,
      jsonData: { custom: 1 },
    });
  });

  it('copes with a sparse answer from an old Grafana (no version, null jsonData)', () => {
    const { version: _v, ...old } = have;
    const body = updateBody({ ...old, jsonData: null }, want, undefined);
    expect(body).not.toHaveProperty('version');
    expect(body.jsonData).toEqual({});
  });
});

describe('changes', () => {
  it.each<[string, Partial<DesiredDataSource>, string | undefined, string[]]>([
    ['nothing', {}, undefined, []],
    ['the url', { url: 'http://b' }, undefined, ['url "http://simplejson:8080" → "http://b"']],
    [
      'the plugin',
      { type: 'grafana-simple-json-datasource' },
      undefined,
      ['type "simpod-json-datasource" → "grafana-simple-json-datasource"'],
    ],
    [
      'turning basic auth on',
      { basicAuthUser: 'g' },
      'pw',
      ['basicAuth false → true', 'basicAuthUser "" → "g"', 'basic auth password set'],
    ],
    [
      'flags',
      { withCredentials: true, isDefault: true, access: 'direct' },
      undefined,
      ['access "proxy" → "direct"', 'withCredentials false → true', 'isDefault false → true'],
    ],
    ['the uid', { uid: 'other' }, undefined, ['uid "kLtEtcRGk" → "other"']],
  ])('%s', (_, patch, password, expected) => {
    expect(changes(have, { ...want, ...patch }, password)).toEqual(expected);
  });
});
