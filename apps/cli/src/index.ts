export { createProgram, run } from './main.js';
