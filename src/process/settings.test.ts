import { ConfigError } from '../errors';
import { lookup, readSecretFile } from './settings';

describe('lookup', () => {
  it.each([
    [{ port: '9' }, { PORT: '8' }, ['--port', '9']],
    [{}, { PORT: '8' }, ['PORT', '8']],
    [{}, { PORT: '' }, undefined],
    [{}, {}, undefined],
    [{ port: true }, { PORT: '8' }, ['PORT', '8']],
  ])('flag %j, env %j → %j', (values, env, expected) => {
    expect(lookup(values, 'port', env, 'PORT')).toEqual(expected);
  });

  it('has no env fallback without an env name', () => {
    expect(lookup({}, 'name', { NAME: 'x' })).toBeUndefined();
  });
});

describe('readSecretFile', () => {
  it.each([
    ['s3cret\n', 's3cret'],
    ['s3cret\r\n', 's3cret'],
    ['s3cret\n\n', 's3cret'],
    ['s3cret ', 's3cret '],
    ['two\nlines\n', 'two\nlines'],
  ])('%j → %j', (content, expected) => {
    expect(readSecretFile('X_FILE', '/s', () => content)).toBe(expected);
  });

  it('names the setting, the path and the error code, never the content', () => {
    const read = () => {
      throw Object.assign(new Error('no such file, open /s'), { code: 'ENOENT' });
    };
    expect(() => readSecretFile('X_FILE', '/run/secrets/x', read)).toThrow(
      new ConfigError('X_FILE: cannot read "/run/secrets/x" (ENOENT)'),
    );
  });
});
