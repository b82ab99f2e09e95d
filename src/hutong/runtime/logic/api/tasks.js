// @ts-check
/**
 * Long-running host operations (requests, transfers, sockets) are tasks: the host reports their
 * progress as `{t: 'api:event', task, type, res}` and the task object's listeners hear it.
 */
import { on } from '../bridge.js';
import { listeners } from './shape.js';

let nextTask = 1;
/** @type {Map<number, Record<string, ReturnType<typeof listeners>>>} */
const tasks = new Map();

/** @param {string[]} types @returns {{id: number, events: Record<string, ReturnType<typeof listeners>>, done: () => void}} */
export function newTask(types) {
  const id = nextTask++;
  /** @type {Record<string, ReturnType<typeof listeners>>} */
  const events = {};
  for (const type of types) events[type] = listeners();
  tasks.set(id, events);
  return { id, events, done: () => tasks.delete(id) };
}

on('api:event', (message) => tasks.get(message.task)?.[message.type]?.emit(message.res));
