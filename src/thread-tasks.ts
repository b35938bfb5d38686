// The body of every worker thread in the process's pool (./threads.ts): the tasks that domains run
// off the event loop. Built as an entry of its own (scripts/build.mjs): dist/thread-tasks.cjs.
import { serveThreadTasks } from './jobs/thread-host.js';
import { audioThreadTasks } from './media/audio/thread-tasks.js';
import { operatorThreadTasks } from './operators/thread-tasks.js';

serveThreadTasks([...audioThreadTasks, ...operatorThreadTasks]);
