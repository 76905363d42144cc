/** JSON-shaped values written as HCL for `jsonencode(...)`: literals as JSON writes them, expressions as they are, templates never. */
import { hclExpr, hclValue } from '../../src/stacks/hcl-value';

describe('hclValue', () => {
  test('objects, lists and literals as HCL reads them; undefined members left out', () => {
    expect(hclValue({ a: 1, b: [true, null, 'x'], c: undefined })).toBe('{"a" = 1, "b" = [true, null, "x"]}');
  });

  test('expressions are written as they are, in parentheses', () => {
    expect(hclValue({ timeout: hclExpr('var.timeout_seconds * 1000') })).toBe('{"timeout" = (var.timeout_seconds * 1000)}');
  });

  test('"${" and "%{" in a string stay text: HCL would read them as a template', () => {
    expect(hclValue('cost ${var.secret} %{if true}')).toBe('"cost $${var.secret} %%{if true}"');
    expect(hclValue({ '${key}': 'v' })).toBe('{"$${key}" = "v"}');
  });
});
