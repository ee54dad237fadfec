/** What every command receives: the application context plus the output edge it renders to. */
import type { AppContext } from '../services/context.js';
import type { Output } from '../ui/output.js';

export interface Context extends AppContext {
  out: Output;
}
