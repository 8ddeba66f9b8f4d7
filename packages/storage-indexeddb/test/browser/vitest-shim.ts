// Stands in for `vitest` inside the browser bundle: the conformance cases need only `expect`,
// which is vitest's own Jest-style expect on chai. The suite's describe/it wiring never runs in
// the page (the cases are called one by one), so those throw if anything reaches them.
import { chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = (value: unknown, message?: string) => chai.expect(value, message);

const notInThePage = (name: string) => () => {
  throw new Error(`vitest ${name}() is not available inside the browser bundle`);
};
export const describe = notInThePage('describe');
export const it = notInThePage('it');
export const beforeEach = notInThePage('beforeEach');
export const afterEach = notInThePage('afterEach');
