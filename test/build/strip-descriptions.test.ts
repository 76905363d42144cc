/**
 * The build blanks the settings table's descriptions (build/strip-descriptions):
 * exactly the `description` values, whatever their quotes or contents, and
 * nothing else of the file.
 */
import { withoutDescriptions } from '../../build/strip-descriptions';

describe('strip setting descriptions', () => {
  test('every description value becomes an empty string, and nothing else changes', () => {
    const source = [
      'export const SETTINGS = {',
      '  A: {',
      "    description: 'It\\'s the \"first\"; description: not a key here.',",
      "    pattern: { regex: '^a$', expected: 'a description of what is expected' },",
      '  },',
      '  B: {',
      '    type: "int",',
      '    description:',
      '      "Long, on its own line, with `backticks`.",',
      '  },',
      '};',
      "const note = { message: () => 'description: stays' };",
    ].join('\n');
    expect(withoutDescriptions(source)).toBe(
      [
        'export const SETTINGS = {',
        '  A: {',
        "    description: '',",
        "    pattern: { regex: '^a$', expected: 'a description of what is expected' },",
        '  },',
        '  B: {',
        '    type: "int",',
        '    description:',
        "      '',",
        '  },',
        '};',
        "const note = { message: () => 'description: stays' };",
      ].join('\n'),
    );
  });
});
