export { sampleEvents, sampleEvent } from './sample-events.js';
export { validEventArb, eventTimeArb, mutatedLineArb, requiredPaths } from './event-arbitraries.js';
