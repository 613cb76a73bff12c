/**
 * The messages of `helpRequestWorkflow`: the status query, and for every action an Update
 * (validated, so a refused action leaves no trace in history and the caller gets the reason) and
 * a Signal of the same name for fire-and-forget senders (the Temporal UI's "Send signal"), where a
 * refusal is only logged.
 */
import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';

import { ACTION_SIGNALS, ACTION_UPDATES, statusQuery } from '../contracts/help-request.js';
import { INVALID_TRANSITION } from '../contracts/failures.js';
import { ACTIONS, applyAction, refusal, type ActionArgs, type ActionName } from '../domain/request-actions.js';
import type { LiveRequest } from './live-request.js';

export function registerHandlers(request: LiveRequest): void {
  setHandler(statusQuery, () => request.view());
  for (const action of ACTIONS) {
    setHandler(ACTION_UPDATES[action], (args) => act(request, action, args), {
      validator: (args) => {
        const why = refusedAction(request, action, args);
        if (why) throw ApplicationFailure.nonRetryable(why, INVALID_TRANSITION);
      },
    });
    setHandler(ACTION_SIGNALS[action], (args) => {
      const why = refusedAction(request, action, args);
      if (why) log.warn('signal refused', { action, why });
      else act(request, action, args);
    });
  }
}

function refusedAction(request: LiveRequest, action: ActionName, args: ActionArgs): string | null {
  return refusal(request.state, action, args, request.ctx());
}

function act(request: LiveRequest, action: ActionName, args: ActionArgs) {
  request.apply(applyAction(request.state, action, args, request.ctx()));
  return request.view();
}
