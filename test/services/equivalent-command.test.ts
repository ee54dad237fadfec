import { describe, expect, it } from 'vitest';
import { equivalentCommand, shellQuote } from '../../src/services/equivalent-command.js';

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
    [{ task: 'enable', users: ['jdoe', 'pobrien'], server: 'im-east', imDomain: 'im.lab.imctl.test' }, 'imctl enable jdoe pobrien --server im-east --im-domain im.lab.imctl.test --yes'],
    [{ task: 'enable', users: ["o'neil"], imDomain: 'im.lab.imctl.test' }, "imctl enable 'o'\\''neil' --im-domain im.lab.imctl.test --yes"],
    [{ task: 'disable', users: ['jdoe'] }, 'imctl disable jdoe --yes'],
    [{ task: 'move', users: ['jdoe', 'a b'], to: 'im-west' }, "imctl move jdoe 'a b' --to im-west --yes"],
    [{ task: 'show', user: 'jdoe' }, 'imctl show jdoe'],
    [{ task: 'rebalance' }, 'imctl rebalance --apply --yes'],
    [{ task: 'rebalance', even: true, capacity: 5000 }, 'imctl --capacity 5000 rebalance --even --apply --yes'],
    [{ task: 'rebalance', drain: ['im-old', 'im south'] }, "imctl rebalance --drain im-old --drain 'im south' --apply --yes"],
  ] as const)('%j', (task, command) => {
    expect(equivalentCommand(task as Parameters<typeof equivalentCommand>[0])).toBe(command);
  });
});
