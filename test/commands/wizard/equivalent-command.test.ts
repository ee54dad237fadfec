import { describe, expect, it } from 'vitest';
import { equivalentCommand, shellQuote } from '../../../src/commands/wizard/equivalent-command.js';

describe('shellQuote', () => {
  it.each([
    ['jdoe', 'jdoe'],
    ['jdoe@lab.imctl.test', 'jdoe@lab.imctl.test'],
    ['im-east', 'im-east'],
    ['', "''"],
    ['Doe, John', "'Doe, John'"],
    ["O'Brien", "'O'\\''Brien'"],
    ['LAB\\jdoe', "'LAB\\jdoe'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['a*b', "'a*b'"],
    ['CN=Doe\\, John,OU=Staff', "'CN=Doe\\, John,OU=Staff'"],
  ])('%j → %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });
});

describe('equivalentCommand', () => {
  it.each([
    [
      { task: 'enable', users: ['jdoe', 'pobrien'], server: 'im-east', imDomain: 'im.lab.imctl.test' },
      'imctl enable --server=im-east --im-domain=im.lab.imctl.test --yes -- jdoe pobrien',
    ],
    [
      { task: 'enable', users: ["o'neil"], imDomain: 'im.lab.imctl.test' },
      "imctl enable --im-domain=im.lab.imctl.test --yes -- 'o'\\''neil'",
    ],
    [{ task: 'disable', users: ['jdoe'] }, 'imctl disable --yes -- jdoe'],
    [{ task: 'move', users: ['jdoe', 'a b'], to: 'im-west' }, "imctl move --to=im-west --yes -- jdoe 'a b'"],
    [{ task: 'show', user: 'jdoe' }, 'imctl show -- jdoe'],
    [{ task: 'rebalance' }, 'imctl rebalance --apply --yes'],
    [{ task: 'rebalance', even: true, capacity: 5000 }, 'imctl --capacity=5000 rebalance --even --apply --yes'],
    [
      { task: 'rebalance', drain: ['im-old', 'im south'] },
      "imctl rebalance --drain=im-old '--drain=im south' --apply --yes",
    ],
    // Names that look like options stay names: after --, or joined to their option.
    [{ task: 'disable', users: ['--insecure-tls', '-y'] }, 'imctl disable --yes -- --insecure-tls -y'],
    [{ task: 'move', users: ['jdoe'], to: '--allow-cleartext' }, 'imctl move --to=--allow-cleartext --yes -- jdoe'],
  ] as const)('%j', (task, command) => {
    expect(equivalentCommand(task as Parameters<typeof equivalentCommand>[0])).toBe(command);
  });
});

describe('equivalentCommand for PowerShell (Windows)', () => {
  it.each([
    [{ task: 'disable', users: ['a&b', 'c|d', "o'neil"] }, "imctl disable --yes '--' 'a&b' 'c|d' 'o''neil'"],
    [{ task: 'show', user: '$(calc)' }, "imctl show '--' '$(calc)'"],
    [{ task: 'move', users: ['jdoe'], to: 'im;east' }, "imctl move '--to=im;east' --yes '--' jdoe"],
    [
      { task: 'enable', users: ['x`y'], server: 'im-east', imDomain: 'im.lab.imctl.test' },
      // An option joined to its value starts with a dash: quoted whole, one literal argument.
      "imctl enable '--server=im-east' '--im-domain=im.lab.imctl.test' --yes '--' 'x`y'",
    ],
  ] as const)('%j', (task, command) => {
    expect(equivalentCommand(task as Parameters<typeof equivalentCommand>[0], 'powershell')).toBe(command);
  });
});
