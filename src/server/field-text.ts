/**
 * The catalogued reason of one invalid field of a request. The mapping lives in the contract
 * (src/contract/issue-text.ts) so that modules which must not import the server can reuse it.
 */
export { type IssueLike, issueText as fieldText } from '../contract/issue-text.js';
