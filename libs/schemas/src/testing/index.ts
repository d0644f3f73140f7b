export { sampleEvents, sampleEvent } from './sample-events.js';
export { validEventArb, eventTimeArb, requiredPaths } from './event-arbitraries.js';
