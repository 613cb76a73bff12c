/** Every workflow the worker runs; the bundler starts here. */
export { helpRequestWorkflow } from './help-request.js';
