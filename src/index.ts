// The Action's entry point: nothing but the call, so main.ts can be tested without side effects on import.
import { run } from './main.js';

await run();
