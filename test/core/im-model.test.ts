import { describe, expect, it } from 'vitest';
import {
  aliasOf,
  checkImDomain,
  dnsNameProblem,
  caseOnlyDifferences,
  driftBetween,
  equivalentState,
  equivalentValue,
  keepEquivalent,
  fqdnProblem,
  hasAnyImValue,
  IM_ATTRIBUTES,
  imAddress,
  imValues,
  isImEnabled,
  metaPhysicalUrl,
  physicalUrl,
  sameState,
  sameValue,
  splitAddress,
  type ImState,
} from '../../src/core/im-model.js';

const VS_DN =
  'CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=IM1,CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Corp,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com';

const label63 = 'a'.repeat(63);
/** Exactly 253 characters: 3 labels of 63, one of 61, 3 dots. */
const name253 = `${label63}.${label63}.${label63}.${'b'.repeat(61)}`;

describe('imValues', () => {
  it('builds the four values of the RVP spec, lower-casing alias, IM domain and host but not the DN', () => {
    expect(imValues('JDoe', 'IM.Example.COM', { dn: VS_DN, host: 'IM1.Corp.Example.com' })).toEqual({
      msExchIMAddress: 'jdoe@im.example.com',
      msExchIMMetaPhysicalURL: 'http://im.example.com/instmsg/aliases/jdoe',
      msExchIMPhysicalURL: 'http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe',
      msExchIMVirtualServer: VS_DN,
    });
  });

  it.each([
    {
      alias: 'jdoe',
      domain: 'im.example.com',
      host: 'im1.corp.example.com',
      address: 'jdoe@im.example.com',
      meta: 'http://im.example.com/instmsg/aliases/jdoe',
      phys: 'http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe',
    },
    {
      alias: 'J.Smith-2',
      domain: 'IM.Corp.Example',
      host: 'IMSRV.corp.example',
      address: 'j.smith-2@im.corp.example',
      meta: 'http://im.corp.example/instmsg/aliases/j.smith-2',
      phys: 'http://imsrv.corp.example/instmsg/local/im.corp.example/instmsg/aliases/j.smith-2',
    },
  ])('$alias@$domain on $host', ({ alias, domain, host, address, meta, phys }) => {
    expect(imAddress(alias, domain)).toBe(address);
    expect(metaPhysicalUrl(alias, domain)).toBe(meta);
    expect(physicalUrl(host, alias, domain)).toBe(phys);
  });

  it('lists exactly the four attributes an enable writes (never msExchIMACL)', () => {
    expect([...IM_ATTRIBUTES].sort()).toEqual([
      'msExchIMAddress',
      'msExchIMMetaPhysicalURL',
      'msExchIMPhysicalURL',
      'msExchIMVirtualServer',
    ]);
    expect(IM_ATTRIBUTES).not.toContain('msExchIMACL');
  });
});

describe('aliasOf', () => {
  it.each([
    { mailNickname: 'JDoe', sAMAccountName: 'jdoe2', alias: 'jdoe' },
    { mailNickname: ' John.Doe ', sAMAccountName: 'jdoe', alias: 'john.doe' },
    { mailNickname: undefined, sAMAccountName: 'JSmith', alias: 'jsmith' },
    { mailNickname: '', sAMAccountName: 'JSmith', alias: 'jsmith' },
    { mailNickname: '   ', sAMAccountName: 'JSmith', alias: 'jsmith' },
    { mailNickname: '\t\n', sAMAccountName: 'JSmith', alias: 'jsmith' },
  ])(
    'mailNickname $mailNickname, sAMAccountName $sAMAccountName → $alias',
    ({ mailNickname, sAMAccountName, alias }) => {
      expect(aliasOf({ mailNickname, sAMAccountName })).toBe(alias);
    },
  );
});

describe('dnsNameProblem', () => {
  it.each([
    'im1.corp.example.com',
    'IM1.Corp.Example.COM',
    'im1.corp.example.com.',
    'xn--bcher-kva.example',
    'a',
    '1corp.example',
    'im-1.corp.example',
    `${label63}.example`,
    name253,
  ])('%s is a valid DNS name', (name) => {
    expect(dnsNameProblem(name)).toBeUndefined();
  });

  it.each([
    { name: '', problem: 'it is empty' },
    { name: `${name253}x`, problem: 'it is longer than 253 characters' },
    { name: `${'a'.repeat(64)}.example`, problem: `"${'a'.repeat(64)}" is not a valid DNS label` },
    { name: '-im.example', problem: '"-im" is not a valid DNS label' },
    { name: 'im-.example', problem: '"im-" is not a valid DNS label' },
    { name: 'im_1.example', problem: '"im_1" is not a valid DNS label' },
    { name: 'a..b', problem: 'it has an empty label (a leading or doubled dot)' },
    { name: '.example', problem: 'it has an empty label (a leading or doubled dot)' },
    { name: '.', problem: 'it is empty' },
    { name: 'im 1.example', problem: '"im 1" is not a valid DNS label' },
    { name: 'bücher.example', problem: 'it contains non-ASCII characters (use the xn-- punycode form)' },
    { name: 'IM_1.example', problem: '"im_1" is not a valid DNS label' },
  ])('$name → $problem', ({ name, problem }) => {
    expect(dnsNameProblem(name)).toBe(problem);
  });

  it('accepts a 253-character name written absolute, with its trailing dot', () => {
    // The 253-character limit is on the name without the root's trailing dot (RFC 1035: 255 octets on the wire).
    expect(dnsNameProblem(`${name253}.`)).toBeUndefined();
  });
});

describe('fqdnProblem', () => {
  it.each(['im1.corp.example.com', 'IM1.Corp.Example.com', 'im1.corp.example.com.', 'im.example'])(
    '%s is an FQDN',
    (host) => {
      expect(fqdnProblem(host)).toBeUndefined();
    },
  );

  it.each(['IMSRV1', 'imsrv1', 'imsrv1.', 'localhost'])(
    'NetBIOS-style name %s is rejected, citing KB 319758',
    (host) => {
      const problem = fqdnProblem(host);
      expect(problem).toContain('not fully qualified');
      expect(problem).toContain('KB 319758');
    },
  );

  it.each([
    { host: '', problem: 'it is empty' },
    { host: 'bad_host.corp.example', problem: '"bad_host" is not a valid DNS label' },
    { host: `${name253}x`, problem: 'it is longer than 253 characters' },
  ])('$host → $problem (the DNS-name problem comes first)', ({ host, problem }) => {
    expect(fqdnProblem(host)).toBe(problem);
  });
});

describe('splitAddress', () => {
  it.each([
    { address: 'jdoe@im.example.com', out: { alias: 'jdoe', imDomain: 'im.example.com' } },
    { address: 'JDoe@IM.Example.COM', out: { alias: 'jdoe', imDomain: 'im.example.com' } },
    { address: 'a@b@im.example.com', out: { alias: 'a@b', imDomain: 'im.example.com' } },
    { address: 'j.doe+x@im', out: { alias: 'j.doe+x', imDomain: 'im' } },
    { address: undefined, out: undefined },
    { address: '', out: undefined },
    { address: 'jdoe', out: undefined },
    { address: '@im.example.com', out: undefined },
    { address: 'jdoe@', out: undefined },
  ])('$address → $out', ({ address, out }) => {
    expect(splitAddress(address)).toEqual(out);
  });
});

describe('driftBetween', () => {
  const stored: Required<ImState> = imValues('jdoe', 'im.example.com', { dn: VS_DN, host: 'im1.corp.example.com' });

  it('finds no drift between equal states', () => {
    expect(driftBetween(stored, { ...stored })).toEqual([]);
    expect(driftBetween({}, {})).toEqual([]);
    expect(sameState(stored, { ...stored })).toBe(true);
  });

  it('compares msExchIMVirtualServer case-insensitively', () => {
    expect(driftBetween(stored, { ...stored, msExchIMVirtualServer: VS_DN.toLowerCase() })).toEqual([]);
    expect(sameValue('msExchIMVirtualServer', VS_DN, VS_DN.toUpperCase())).toBe(true);
  });

  const CASE_VARIANTS = [
    { attribute: 'msExchIMAddress', value: 'JDoe@IM.Example.com' },
    { attribute: 'msExchIMMetaPhysicalURL', value: 'http://IM.example.com/instmsg/aliases/JDoe' },
    {
      attribute: 'msExchIMPhysicalURL',
      value: 'http://IM1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe',
    },
  ] as const;

  it.each(CASE_VARIANTS)(
    '$attribute in another case: equivalent (no drift, case only), but not the same value for compare-and-set',
    ({ attribute, value }) => {
      const cased = { ...stored, [attribute]: value };
      expect(driftBetween(cased, stored)).toEqual([]);
      expect(equivalentValue(attribute, value, stored[attribute])).toBe(true);
      expect(equivalentState(cased, stored)).toBe(true);
      expect(caseOnlyDifferences(cased, stored)).toEqual([{ attribute, stored: value, expected: stored[attribute] }]);
      // The write path: a re-read of `cased` is not the `stored` that was written, and vice versa.
      expect(sameValue(attribute, value, stored[attribute])).toBe(false);
      expect(sameState(cased, stored)).toBe(false);
    },
  );

  it.each([
    { attribute: 'msExchIMAddress', value: 'jdoe2@im.example.com' },
    { attribute: 'msExchIMMetaPhysicalURL', value: 'http://im.example.com/instmsg/aliases/john' },
    {
      attribute: 'msExchIMPhysicalURL',
      value: 'http://im2.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe',
    },
  ] as const)('$attribute with another value: drift, not case only', ({ attribute, value }) => {
    expect(driftBetween({ ...stored, [attribute]: value }, stored)).toEqual([
      { attribute, stored: value, expected: stored[attribute] },
    ]);
    expect(caseOnlyDifferences({ ...stored, [attribute]: value }, stored)).toEqual([]);
    expect(equivalentValue(attribute, value, stored[attribute])).toBe(false);
  });

  it('a DN in another case is the same value in both comparisons (AD matches DNs so)', () => {
    const lower = { ...stored, msExchIMVirtualServer: VS_DN.toLowerCase() };
    expect(sameState(lower, stored)).toBe(true);
    expect(caseOnlyDifferences(lower, stored)).toEqual([]);
  });

  it('keepEquivalent keeps equivalent stored values exactly and takes the wanted value elsewhere', () => {
    const cased = { ...stored, msExchIMAddress: 'JDoe@IM.Example.com', msExchIMPhysicalURL: 'http://old/x' };
    expect(keepEquivalent(cased, stored)).toEqual({ ...stored, msExchIMAddress: 'JDoe@IM.Example.com' });
    expect(keepEquivalent(cased, {})).toEqual({});
  });

  it('reports a missing value against a present one, in attribute order', () => {
    const { msExchIMPhysicalURL: _p, msExchIMAddress: _a, ...partial } = stored;
    expect(driftBetween(partial, stored)).toEqual([
      { attribute: 'msExchIMAddress', stored: undefined, expected: stored.msExchIMAddress },
      { attribute: 'msExchIMPhysicalURL', stored: undefined, expected: stored.msExchIMPhysicalURL },
    ]);
    expect(driftBetween(stored, {})).toHaveLength(4);
    expect(sameState(stored, {})).toBe(false);
  });
});

describe('isImEnabled / hasAnyImValue', () => {
  it.each([
    { state: {}, enabled: false, any: false },
    { state: { msExchIMVirtualServer: VS_DN }, enabled: true, any: true },
    { state: { msExchIMAddress: 'jdoe@im.example.com' }, enabled: true, any: true },
    { state: { msExchIMPhysicalURL: 'http://im1/instmsg/local/im/instmsg/aliases/jdoe' }, enabled: false, any: true },
    { state: { msExchIMMetaPhysicalURL: 'http://im/instmsg/aliases/jdoe' }, enabled: false, any: true },
    {
      state: imValues('jdoe', 'im.example.com', { dn: VS_DN, host: 'im1.corp.example.com' }),
      enabled: true,
      any: true,
    },
  ])('$state → enabled $enabled, any value $any', ({ state, enabled, any }) => {
    expect(isImEnabled(state as ImState)).toBe(enabled);
    expect(hasAnyImValue(state as ImState)).toBe(any);
  });
});

const NAME_253 = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');

describe('checkImDomain: the one DNS rule, in the form IM domains are written', () => {
  it('builds a 253-character name', () => expect(NAME_253).toHaveLength(253));

  it.each([
    ['corp.example.com', 'corp.example.com'],
    ['CORP.Example.Com', 'corp.example.com'],
    [' im.corp.example.com ', 'im.corp.example.com'],
    ['localdomain', 'localdomain'],
    ['a-b.c1.example', 'a-b.c1.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
    [NAME_253, NAME_253],
    ['corp.example.com.', 'corp.example.com'],
  ])('accepts %s', (raw, name) => {
    expect(checkImDomain(raw)).toEqual({ name });
  });

  it.each([
    ['', /is empty/],
    ['.corp.example.com', /empty label/],
    ['corp..example.com', /empty label/],
    ['-corp.example.com', /"-corp" is not a valid DNS label/],
    ['corp-.example.com', /"corp-" is not a valid DNS label/],
    ['corp_im.example.com', /"corp_im" is not a valid DNS label/],
    ['corp example.com', /is not a valid DNS label/],
    ['bücher.example', /non-ASCII.*xn--/],
    [`${'a'.repeat(64)}.com`, /is not a valid DNS label/],
    [NAME_253 + 'b', /longer than 253 characters/],
    ['http://corp.example.com', /is not a valid DNS label/],
  ])('rejects %j', (raw, message) => {
    const r = checkImDomain(raw);
    expect('reason' in r && r.reason).toMatch(message);
  });
});
