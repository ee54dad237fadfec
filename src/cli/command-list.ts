/**
 * Every command, in the order `imctl --help` lists them. A new command is its module in
 * src/commands, its `NAME.declaration.ts` beside it, and one line here.
 */
import { auditDeclaration } from '../commands/audit.declaration.js';
import { completionDeclaration } from '../commands/completion.declaration.js';
import type { CommandDeclaration } from '../commands/declaration.js';
import { disableDeclaration } from '../commands/disable.declaration.js';
import { enableDeclaration } from '../commands/enable.declaration.js';
import { historyDeclaration } from '../commands/history.declaration.js';
import { importDeclaration } from '../commands/import.declaration.js';
import { moveDeclaration } from '../commands/move.declaration.js';
import { rebalanceDeclaration } from '../commands/rebalance.declaration.js';
import { resolveDeclaration } from '../commands/resolve.declaration.js';
import { serversDeclaration } from '../commands/servers.declaration.js';
import { showDeclaration } from '../commands/show.declaration.js';
import { syncDeclaration } from '../commands/sync.declaration.js';
import { undoDeclaration } from '../commands/undo.declaration.js';
import { usersDeclaration } from '../commands/users.declaration.js';
import { wizardDeclaration } from '../commands/wizard.declaration.js';

export const COMMANDS: readonly CommandDeclaration[] = [
  serversDeclaration,
  usersDeclaration,
  showDeclaration,
  enableDeclaration,
  disableDeclaration,
  moveDeclaration,
  importDeclaration,
  rebalanceDeclaration,
  undoDeclaration,
  syncDeclaration,
  historyDeclaration,
  resolveDeclaration,
  auditDeclaration,
  wizardDeclaration,
  completionDeclaration,
];
