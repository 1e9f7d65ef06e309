// 15-typeahead.mjs: the organizations' type-ahead on the search form, with
// JavaScript on (10-search.mjs's typeahead).
import { typeahead } from './10-search.mjs';

export const modes = ['js-1280'];

export default typeahead;
