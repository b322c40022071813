import { networkReason } from './errors';

const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
const coded = (code: string) => Object.assign(new Error(code), { code });

describe('networkReason', () => {
  it.each([
    ['refused', fetchFailed(coded('ECONNREFUSED')), 'connection refused (ECONNREFUSED)'],
    ['unknown host', fetchFailed(coded('ENOTFOUND')), 'host not found (ENOTFOUND)'],
    ['DNS down', fetchFailed(coded('EAI_AGAIN')), 'DNS lookup failed (EAI_AGAIN)'],
    ['reset', fetchFailed(coded('ECONNRESET')), 'connection reset (ECONNRESET)'],
    [
      'self-signed certificate',
      fetchFailed(coded('DEPTH_ZERO_SELF_SIGNED_CERT')),
      'TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); point NODE_EXTRA_CA_CERTS at the CA file',
    ],
    [
      'nested cause (happy eyeballs)',
      fetchFailed({ cause: coded('EHOSTUNREACH') }),
      'host unreachable (EHOSTUNREACH)',
    ],
    ['an unknown code', fetchFailed(coded('EPROTO')), 'EPROTO'],
    [
      'timeout',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      'no answer within 1.5 s (timeout)',
    ],
    ['no code', fetchFailed(new Error('bad port')), 'bad port'],
    ['not an error', 'weird', 'weird'],
  ])('%s', (_, err, expected) => {
    expect(networkReason(err, 1500)).toBe(expected);
  });
});
