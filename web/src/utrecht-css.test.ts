// The client imports the CSS of only the Utrecht components its pages use (src/utrecht.ts), not the
// whole component library. These checks catch a page that starts using a component (or a variant of
// one) whose CSS is not imported: it would render unstyled, and nothing else would notice.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));
const web = dirname(src);
const modules = join(web, 'node_modules');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

// utrecht-* words in index.html and the source outside comments, including the fixed part of a class
// built in a string (`utrecht-button--${appearance}-action` gives utrecht-button--); not the
// --utrecht-* custom properties
function usedClasses(): Set<string> {
  const used = new Set<string>();
  for (const file of [join(web, 'index.html'), ...sourceFiles(src)]) {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
    for (const m of code.matchAll(/(?<![\w-])utrecht-[a-z0-9_-]+/g)) used.add(m[0]);
  }
  return used;
}

// the component a class belongs to: utrecht-form-field__label--checkbox is the form-field's
const block = (cls: string) => cls.split('__')[0].split('--')[0];

// the stylesheets main.tsx imports, following the side-effect imports of local modules (./utrecht)
function importedStylesheets(module: string): string[] {
  const code = readFileSync(module, 'utf8');
  return [...code.matchAll(/^import '([^']+)';/gm)].flatMap(([, spec]) => {
    if (spec.startsWith('.')) {
      const path = join(dirname(module), spec);
      return spec.endsWith('.css') ? [path] : importedStylesheets(`${path}.ts`);
    }
    return spec.endsWith('.css') ? [join(modules, spec)] : [];
  });
}

function definedClasses(files: string[]): Set<string> {
  const defined = new Set<string>();
  for (const file of files) {
    const css = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const m of css.matchAll(/\.(utrecht-[a-z0-9_-]+)/g)) defined.add(m[1]);
  }
  return defined;
}

const used = usedClasses();
const stylesheets = importedStylesheets(join(src, 'main.tsx'));
// what the packages style: our own CSS (styles.css) names Utrecht classes only to place them
const imported = definedClasses(stylesheets.filter((file) => file.startsWith(modules)));
const library = definedClasses([
  join(modules, '@utrecht/component-library-css/dist/index.css'),
  join(modules, '@utrecht/component-library-css/dist/html.css'),
  join(modules, '@utrecht/design-tokens/dist/theme.css'),   // utrecht-theme, on index.html's html
]);

describe('the Utrecht component CSS', () => {
  it('finds the classes the pages use', () => {
    // guards the checks below against passing on nothing
    expect(used.size).toBeGreaterThan(50);
    expect(used).toContain('utrecht-button');
    expect(used).toContain('utrecht-button--');
    expect(used).toContain('utrecht-document');   // on index.html's body
    expect(stylesheets.some((file) => file.endsWith('button-css/dist/index.css'))).toBe(true);
  });

  it('does not import the whole component library', () => {
    expect(stylesheets.filter((file) => file.endsWith('component-library-css/dist/index.css'))).toEqual([]);
  });

  it('imports the CSS of every Utrecht component a page uses', () => {
    const blocks = [...new Set([...used].map(block))];
    const notInLibrary = blocks.filter((b) => !library.has(b));
    expect(notInLibrary, 'utrecht-* words that are no component of the Utrecht library').toEqual([]);
    const missing = blocks.filter((b) => !imported.has(b));
    expect(missing, 'components whose package is missing from src/utrecht.ts').toEqual([]);
  });

  it('imports the CSS of every element and variant a page uses', () => {
    // a class the library itself leaves unstyled (utrecht-button--html-button) needs no CSS
    const missing = [...used].filter((cls) => library.has(cls) && !imported.has(cls));
    expect(missing, 'classes the library styles but the imported CSS does not').toEqual([]);
  });

  it('imports no component CSS that no page uses', () => {
    const unused = stylesheets
      .filter((file) => /@utrecht\/[a-z0-9-]+-css\/dist\/index\.css$/.test(file) && !file.includes('component-library-css'))
      .filter((file) => ![...definedClasses([file])].some((cls) => used.has(cls)));
    expect(unused, 'component CSS imported in src/utrecht.ts that styles no class the pages use').toEqual([]);
  });

  it('pins every imported Utrecht package in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(web, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packages = stylesheets
      .filter((file) => file.startsWith(modules))
      .map((file) => file.slice(modules.length + 1).split('/'))
      .map((parts) => parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/'));
    for (const name of new Set(packages)) {
      const installed = (JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as { version: string }).version;
      expect(pkg.dependencies[name], name).toBe(installed);
    }
  });
});
