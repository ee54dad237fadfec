import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { metaPhysicalUrl } from '../../src/core/im-model.js';
import { fallbackUrl, parseImAddress, resolveRvp, rvpUrl, srvName } from '../../src/core/rvp.js';
import type { SrvRecord } from '../../src/core/srv.js';

const label63 = 'a'.repeat(63);
/** 4 labels of 63 plus 3 dots = 255; trimmed to exactly 253 characters. */
const name253 = `${label63}.${label63}.${label63}.${'b'.repeat(61)}`;

describe('parseImAddress', () => {
  it.each([
    { input: 'jdoe@im.example.com', user: 'jdoe', domain: 'im.example.com' },
    { input: 'JDoe@IM.Example.COM', user: 'jdoe', domain: 'im.example.com' },
    { input: '  jdoe@example.com\n', user: 'jdoe', domain: 'example.com' },
    { input: 'j.doe-2_x@my-corp.example', user: 'j.doe-2_x', domain: 'my-corp.example' },
    { input: "o'brien+im@example.com", user: "o'brien+im", domain: 'example.com' },
    { input: 'jdoe@corp', user: 'jdoe', domain: 'corp' },
    { input: 'jdoe@xn--bcher-kva.example', user: 'jdoe', domain: 'xn--bcher-kva.example' },
    { input: `jdoe@${label63}.example`, user: 'jdoe', domain: `${label63}.example` },
    { input: `jdoe@${name253}`, user: 'jdoe', domain: name253 },
    { input: 'jdoe@1corp.example', user: 'jdoe', domain: '1corp.example' },
  ])('$input → $user at $domain', ({ input, user, domain }) => {
    expect(name253).toHaveLength(253);
    expect(parseImAddress(input)).toEqual({ user, domain, address: `${user}@${domain}` });
  });

  it.each([
    { input: '', why: 'it is empty' },
    { input: '   ', why: 'it is empty' },
    { input: 'jdoe', why: 'it has no "@"' },
    { input: 'jdoe.example.com', why: 'it has no "@"' },
    { input: 'a@b@example.com', why: 'it has more than one "@"' },
    { input: '@example.com', why: 'the user part before "@" is empty' },
    { input: 'jdoe@', why: 'the domain after "@" is empty' },
    { input: 'j doe@example.com', why: 'it contains a space or a control character' },
    { input: 'jdoe@exa mple.com', why: 'it contains a space or a control character' },
    { input: 'jdoe\t@example.com', why: 'it contains a space or a control character' },
    { input: 'jd\u0000oe@example.com', why: 'it contains a space or a control character' },
    { input: 'j/doe@example.com', why: 'the user part contains "/", which cannot appear in an RVP URL' },
    { input: 'j#doe@example.com', why: 'the user part contains "#"' },
    { input: 'j?doe@example.com', why: 'the user part contains "?"' },
    { input: 'j%20doe@example.com', why: 'the user part contains "%"' },
    { input: 'jdoe@example.com.', why: 'the domain ends with a dot' },
    {
      input: 'jdoe@example..com',
      why: 'the domain is not a valid DNS name (it has an empty label (a leading or doubled dot))',
    },
    { input: 'jdoe@.example.com', why: 'the domain is not a valid DNS name' },
    { input: 'jdoe@-im.example.com', why: '("-im" is not a valid DNS label)' },
    { input: 'jdoe@im-.example.com', why: '("im-" is not a valid DNS label)' },
    { input: 'jdoe@im_1.example.com', why: '("im_1" is not a valid DNS label)' },
    { input: 'jdoe@bücher.example', why: '(it contains non-ASCII characters (use the xn-- punycode form))' },
    { input: `jdoe@${'a'.repeat(64)}.example`, why: 'is not a valid DNS label' },
    { input: `jdoe@x${name253}`, why: 'it is longer than 253 characters' },
    { input: 'jdoe@10.0.0.1', why: 'the domain looks like an IP address' },
    { input: 'jdoe@[10.0.0.1]', why: 'is not a valid DNS label' },
  ])('rejects $input: $why', ({ input, why }) => {
    expect(() => parseImAddress(input)).toThrow(UsageError);
    expect(() => parseImAddress(input)).toThrow(why);
  });

  it('says what the address should look like, with exit code 2', () => {
    try {
      parseImAddress('jdoe');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      expect((error as UsageError).message).toBe(
        '"jdoe" is not an IM address: it has no "@". Write it as user@domain, e.g. jdoe@im.example.com.',
      );
    }
  });
});

describe('URLs and names', () => {
  it.each([
    { domain: 'microsoft.com', name: '_rvp._tcp.microsoft.com' },
    { domain: 'IM.Example.com', name: '_rvp._tcp.im.example.com' },
  ])('srvName($domain) = $name', ({ domain, name }) => {
    expect(srvName(domain)).toBe(name);
  });

  it.each([
    { target: 'im.microsoft.com', port: 80, user: 'jdoe', url: 'http://im.microsoft.com/instmsg/aliases/jdoe' },
    { target: 'im.example.com', port: 8080, user: 'jdoe', url: 'http://im.example.com:8080/instmsg/aliases/jdoe' },
    { target: 'IM1.Example.com.', port: 80, user: 'JDoe', url: 'http://im1.example.com/instmsg/aliases/jdoe' },
    { target: 'im.example.com', port: 443, user: 'j.doe', url: 'http://im.example.com:443/instmsg/aliases/j.doe' },
  ])('rvpUrl($target, $port, $user) = $url', ({ target, port, user, url }) => {
    expect(rvpUrl(target, port, user)).toBe(url);
  });

  it('falls back to the domain itself, the same value Exchange stores as msExchIMMetaPhysicalURL', () => {
    expect(fallbackUrl('example.com', 'jdoe')).toBe('http://example.com/instmsg/aliases/jdoe');
    expect(fallbackUrl('Example.COM', 'JDoe')).toBe(metaPhysicalUrl('jdoe', 'example.com'));
  });
});

describe('resolveRvp', () => {
  const address = parseImAddress('JDoe@Example.com');
  const srv = (name: string, priority: number, weight: number, port = 80): SrvRecord => ({
    name,
    port,
    priority,
    weight,
  });

  it.each([
    { records: null, why: 'no SRV record (NXDOMAIN or NODATA)' },
    { records: [], why: 'an empty answer' },
  ])('falls back to http://<domain>/… with $why', ({ records }) => {
    expect(resolveRvp(address, records)).toEqual({
      kind: 'fallback',
      address,
      srvName: '_rvp._tcp.example.com',
      url: 'http://example.com/instmsg/aliases/jdoe',
    });
  });

  it('reports a lone "." target as the service being decidedly not available, with no fallback', () => {
    expect(resolveRvp(address, [srv('', 0, 0, 0)])).toEqual({
      kind: 'unavailable',
      address,
      srvName: '_rvp._tcp.example.com',
    });
  });

  it('lists every target with its URL in display order', () => {
    const result = resolveRvp(address, [
      srv('backup.example.com', 10, 0, 8080),
      srv('im2.example.com', 0, 10),
      srv('im1.example.com', 0, 90),
    ]);
    expect(result).toEqual({
      kind: 'srv',
      address,
      srvName: '_rvp._tcp.example.com',
      targets: [
        {
          name: 'im1.example.com',
          port: 80,
          priority: 0,
          weight: 90,
          url: 'http://im1.example.com/instmsg/aliases/jdoe',
        },
        {
          name: 'im2.example.com',
          port: 80,
          priority: 0,
          weight: 10,
          url: 'http://im2.example.com/instmsg/aliases/jdoe',
        },
        {
          name: 'backup.example.com',
          port: 8080,
          priority: 10,
          weight: 0,
          url: 'http://backup.example.com:8080/instmsg/aliases/jdoe',
        },
      ],
    });
  });
});
