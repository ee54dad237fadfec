/**
 * The entry of the single executable (scripts/build-exe.mjs): one CommonJS script with every
 * library inlined, because a single executable application can require only Node's built-ins.
 * Node starts it with argv = [executable, executable, ...arguments], the shape commander expects.
 */
import { main } from './main.js';

void main(process.argv);
