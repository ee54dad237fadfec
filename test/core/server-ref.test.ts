import { describe, expect, it } from 'vitest';
import type { ImServer } from '../../src/core/im-model.js';
import { findServer, matchServers, serversByDn } from '../../src/core/server-ref.js';
import { usageError as thrown } from '../support/usage-error.js';

function vsDn(vs: string, server: string): string {
  return `CN=${vs},CN=InstMsg,CN=Protocols,CN=${server},CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Corp,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com`;
}

const im1: ImServer = {
  dn: vsDn('IM Virtual Server', 'IM1'),
  name: 'IM1',
  cn: 'IM Virtual Server',
  host: 'im1.corp.example.com',
  hostsUsers: true,
};
const im2: ImServer = {
  dn: vsDn('IM Virtual Server', 'IM2'),
  name: 'IM2',
  cn: 'IM Virtual Server',
  host: 'im2.corp.example.com',
  hostsUsers: true,
};
const legacy: ImServer = {
  dn: vsDn('Legacy IM', 'OLDSRV'),
  name: 'OldSrv',
  cn: 'Legacy IM',
  host: 'oldsrv.corp.example.com',
  hostsUsers: true,
};
const router: ImServer = {
  dn: vsDn('IM Router', 'EDGE'),
  name: 'EDGE',
  cn: 'IM Router',
  host: 'im.example.com',
  hostsUsers: false,
};
const servers = [im1, im2, legacy, router];

describe('findServer', () => {
  it.each([
    { by: 'msExchIMServerName', name: 'IM1', want: im1 },
    { by: 'msExchIMServerName, lower-case', name: 'im2', want: im2 },
    { by: 'msExchIMServerName, mixed case, padded', name: '  oldSRV ', want: legacy },
    { by: 'host', name: 'im1.corp.example.com', want: im1 },
    { by: 'host, upper-case', name: 'IM2.CORP.EXAMPLE.COM', want: im2 },
    { by: 'host with a trailing dot', name: 'oldsrv.corp.example.com.', want: legacy },
    { by: 'DN', name: im1.dn, want: im1 },
    { by: 'DN, lower-case', name: im2.dn.toLowerCase(), want: im2 },
    { by: 'DN with spaces after commas', name: im1.dn.replace(/,/g, ', '), want: im1 },
    { by: 'cn', name: 'Legacy IM', want: legacy },
    { by: 'cn, lower-case', name: 'legacy im', want: legacy },
    { by: 'cn of a router', name: 'im router', want: router },
  ])('by $by: $name', ({ name, want }) => {
    expect(findServer(servers, name)).toBe(want);
  });

  it('by the Exchange server it belongs to (EXCH4, as System Manager shows it), any case, padded', () => {
    const south: ImServer = { ...im1, dn: vsDn('IM Virtual Server', 'EXCH4'), name: 'im-south', host: 'exch4.corp' };
    expect(findServer([...servers, south], ' exch4 ')).toBe(south);
    expect(findServer([...servers, south], 'EXCH4')).toBe(south);
  });

  it('a cn shared by several servers is ambiguous: UsageError listing each by name and host', () => {
    const error = thrown(() => findServer(servers, 'im virtual server'));
    expect(error.reason).toBe('ambiguous-server');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('2 servers');
    expect(error.message).toContain('IM1 (im1.corp.example.com)');
    expect(error.message).toContain('IM2 (im2.corp.example.com)');
    expect(error.message).not.toContain('OldSrv');
  });

  it('an unknown name: UsageError listing the known names', () => {
    const error = thrown(() => findServer(servers, 'IM9'));
    expect(error.reason).toBe('unknown-server');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('"IM9"');
    expect(error.message).toContain('Did you mean IM1 or IM2? Known: IM1, IM2, OldSrv, EDGE.');
  });

  it('with no servers at all the message says none were found', () => {
    const error = thrown(() => findServer([], 'IM1'));
    expect(error.reason).toBe('unknown-server');
    expect(error.message).toContain(
      'Known: none found (there are none, or the bind account cannot read the Exchange organisation in the Configuration partition).',
    );
  });

  it.each([{ name: 'EDGE' }, { name: 'im.example.com' }, { name: router.dn }])(
    'router $name is refused as a home',
    ({ name }) => {
      const error = thrown(() => findServer(servers, name, 'home'));
      expect(error.reason).toBe('router');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('EDGE is a router');
    },
  );

  it.each([{ purpose: 'any' as const }, { purpose: undefined }])(
    'a router is found for purpose $purpose',
    ({ purpose }) => {
      expect(findServer(servers, 'edge', purpose)).toBe(router);
    },
  );

  it('a home server is fine for purpose home', () => {
    expect(findServer(servers, 'IM1', 'home')).toBe(im1);
  });
});

describe('matchServers precedence', () => {
  it('a msExchIMServerName match wins over another server whose cn is the same text', () => {
    const named: ImServer = { ...legacy, name: 'IM Virtual Server' };
    expect(matchServers([im1, im2, named], 'IM Virtual Server')).toEqual([named]);
  });

  it('a name match wins over a host match', () => {
    const a: ImServer = { ...im1, name: 'im2.corp.example.com' };
    expect(matchServers([a, im2], 'im2.corp.example.com')).toEqual([a]);
  });
});

describe('serversByDn', () => {
  it('indexes by lower-cased DN', () => {
    const map = serversByDn(servers);
    expect(map.size).toBe(4);
    expect(map.get(im1.dn.toLowerCase())).toBe(im1);
    expect(map.get(im1.dn)).toBeUndefined();
  });
});
