import { describe, expect, it } from 'vitest';
import { imValues, type ImState } from '../../src/core/im-model.js';
import { compareAndSetOps, isDeletedObjectDn } from '../../src/core/mod-ops.js';

const DN1 =
  'CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=IM1,CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Corp,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com';
const DN2 = DN1.replace('CN=IM1,', 'CN=IM2,');
const on1 = imValues('jdoe', 'im.example.com', { dn: DN1, host: 'im1.corp.example.com' });
const on2 = imValues('jdoe', 'im.example.com', { dn: DN2, host: 'im2.corp.example.com' });

describe('compareAndSetOps', () => {
  it('enable from empty: four adds, in attribute order', () => {
    expect(compareAndSetOps({}, on1)).toEqual([
      { operation: 'add', attribute: 'msExchIMAddress', values: ['jdoe@im.example.com'] },
      {
        operation: 'add',
        attribute: 'msExchIMMetaPhysicalURL',
        values: ['http://im.example.com/instmsg/aliases/jdoe'],
      },
      {
        operation: 'add',
        attribute: 'msExchIMPhysicalURL',
        values: ['http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe'],
      },
      { operation: 'add', attribute: 'msExchIMVirtualServer', values: [DN1] },
    ]);
  });

  it('disable: four deletes carrying the old values', () => {
    expect(compareAndSetOps(on1, {})).toEqual([
      { operation: 'delete', attribute: 'msExchIMAddress', values: ['jdoe@im.example.com'] },
      {
        operation: 'delete',
        attribute: 'msExchIMMetaPhysicalURL',
        values: ['http://im.example.com/instmsg/aliases/jdoe'],
      },
      {
        operation: 'delete',
        attribute: 'msExchIMPhysicalURL',
        values: ['http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe'],
      },
      { operation: 'delete', attribute: 'msExchIMVirtualServer', values: [DN1] },
    ]);
  });

  it('move: delete old + add new for the physical URL and the virtual server only', () => {
    expect(compareAndSetOps(on1, on2)).toEqual([
      { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: [on1.msExchIMPhysicalURL] },
      {
        operation: 'add',
        attribute: 'msExchIMPhysicalURL',
        values: ['http://im2.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe'],
      },
      { operation: 'delete', attribute: 'msExchIMVirtualServer', values: [DN1] },
      { operation: 'add', attribute: 'msExchIMVirtualServer', values: [DN2] },
    ]);
  });

  it.each([
    { name: 'both empty', before: {}, after: {} },
    { name: 'equal enabled states', before: on1, after: { ...on1 } },
    { name: 'DN differing only in case', before: on1, after: { ...on1, msExchIMVirtualServer: DN1.toLowerCase() } },
    { name: 'DN upper-cased', before: { ...on1, msExchIMVirtualServer: DN1.toUpperCase() }, after: on1 },
  ])('no ops for $name', ({ before, after }) => {
    expect(compareAndSetOps(before as ImState, after as ImState)).toEqual([]);
  });

  it('a case difference in a URL is a change (syntax 2.5.5.5 compares case-sensitively)', () => {
    const drifted = { ...on1, msExchIMPhysicalURL: on1.msExchIMPhysicalURL.replace('im1.corp', 'IM1.corp') };
    expect(compareAndSetOps(drifted, on1)).toEqual([
      { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: [drifted.msExchIMPhysicalURL] },
      { operation: 'add', attribute: 'msExchIMPhysicalURL', values: [on1.msExchIMPhysicalURL] },
    ]);
  });

  it('a half-set state: adds only what is missing, deletes only what is unwanted', () => {
    expect(compareAndSetOps({ msExchIMAddress: on1.msExchIMAddress }, on1)).toEqual([
      { operation: 'add', attribute: 'msExchIMMetaPhysicalURL', values: [on1.msExchIMMetaPhysicalURL] },
      { operation: 'add', attribute: 'msExchIMPhysicalURL', values: [on1.msExchIMPhysicalURL] },
      { operation: 'add', attribute: 'msExchIMVirtualServer', values: [DN1] },
    ]);
    expect(compareAndSetOps({ msExchIMPhysicalURL: on1.msExchIMPhysicalURL }, {})).toEqual([
      { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: [on1.msExchIMPhysicalURL] },
    ]);
  });
});

describe('a home pointing at a deleted server', () => {
  const tombstone =
    'CN=IM Virtual Server\\0ADEL:d9837fb2-6990-4eb2-b0eb-8c2ae7302ce7,CN=Deleted Objects,CN=Configuration,DC=lab,DC=imctl,DC=test';
  it('is replaced, since no delete-by-value can match it, while the URL keeps the compare-and-set', () => {
    const ops = compareAndSetOps(
      { msExchIMVirtualServer: tombstone, msExchIMPhysicalURL: 'http://old/x' },
      { msExchIMVirtualServer: 'CN=vs,CN=new', msExchIMPhysicalURL: 'http://new/x' },
    );
    expect(ops).toEqual([
      { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: ['http://old/x'] },
      { operation: 'add', attribute: 'msExchIMPhysicalURL', values: ['http://new/x'] },
      { operation: 'replace', attribute: 'msExchIMVirtualServer', values: ['CN=vs,CN=new'] },
    ]);
  });
  it('is cleared by a replace with no values on disable', () => {
    expect(compareAndSetOps({ msExchIMVirtualServer: tombstone }, {})).toEqual([
      { operation: 'replace', attribute: 'msExchIMVirtualServer', values: [] },
    ]);
  });
  it.each([
    [tombstone, true],
    ['CN=IM Virtual Server,CN=InstMsg,CN=EXCH1,CN=Configuration,DC=x', false],
  ])('isDeletedObjectDn(%s) = %s', (dn, expected) => expect(isDeletedObjectDn(dn)).toBe(expected));
});
