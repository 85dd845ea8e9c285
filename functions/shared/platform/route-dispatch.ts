import type { Context } from 'aws-lambda';
import { notFound } from '../model/index.js';
import { type Method, ROUTES, routeKey } from '../routes.js';
import type { HttpEvent, HttpResult } from './http.js';

/**
 * For handlers that serve several routes: pick the function for the event's route key. Keys are checked
 * against the route table at cold start, so a handler cannot claim a route the table does not give it.
 */
export function dispatch(
  handlerName: string,
  table: Partial<Record<`${Method} ${string}`, (event: HttpEvent, context: Context) => Promise<HttpResult>>>,
) {
  const mine = new Set(ROUTES.filter((r) => r.handler === handlerName).map(routeKey));
  for (const key of Object.keys(table)) {
    if (!mine.has(key))
      throw new Error(`${handlerName} handles '${key}', which the route table does not route to it`);
  }
  for (const key of mine) {
    if (!(key in table)) throw new Error(`${handlerName} does not handle '${key}'`);
  }
  return (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const fn = table[event.routeKey as `${Method} ${string}`];
    if (!fn) throw notFound(`no route ${event.routeKey}`);
    return fn(event, context);
  };
}
