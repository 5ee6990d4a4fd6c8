// Generates custom-elements.json (run by `npm run build`; never edit the output by hand). It reads the
// element's Lit decorators and the JSDoc tags on the class: @fires, @csspart, @cssproperty, @slot.
import { posix } from 'node:path';
import ts from 'typescript';

export default {
  globs: ['src/**/*.ts'],
  // The React wrapper is not a custom element; it would only list a second `VideoChatWidget`.
  exclude: ['src/react.ts', 'src/react/**'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest itself ("customElements"); don't let the analyzer rewrite that file.
  packagejson: false,
  plugins: [typedEvents(), literalUnions(), publishedPaths()],
};

/**
 * Our events are classes (`new VcErrorEvent(detail)`) whose name is a static `eventName`, so the analyzer
 * sees `dispatchEvent(new VcErrorEvent(…))` as an event without a name (or named after the detail
 * argument). This names those from the class, and gives every `@fires` event the type of its class.
 */
function typedEvents() {
  return {
    name: 'vcw-typed-events',
    packageLinkPhase({ customElementsManifest }) {
      const classOfEvent = new Map(); // 'vc-error' → {name: 'VcErrorEvent', module}
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          const field = declaration.members?.find((m) => m.static && m.name === 'eventName');
          const name = /^'([^']+)'$/.exec(field?.default ?? '')?.[1];
          if (declaration.kind === 'class' && name)
            classOfEvent.set(name, { name: declaration.name, module: module.path });
        }
      }
      const eventOfClass = new Map([...classOfEvent].map(([event, cls]) => [cls.name, event]));
      for (const module of customElementsManifest.modules) {
        for (const element of module.declarations ?? []) {
          if (!element.customElement || !element.events) continue;
          const events = new Map();
          for (const event of element.events) {
            // For `new VcXEvent(detail)` the analyzer takes the detail's text for the name: the class knows better.
            const name = eventOfClass.get(event.type?.text) ?? event.name;
            if (!name) {
              console.warn(
                `custom-elements.json: left out an event of ${element.name} whose name cannot be told: ${JSON.stringify(event)}`,
              );
              continue;
            }
            events.set(name, { ...events.get(name), ...event, name });
          }
          element.events = [...events.values()].map((event) => {
            const cls = classOfEvent.get(event.name);
            return cls
              ? { ...event, type: { text: cls.name, references: [{ name: cls.name, module: cls.module }] } }
              : event;
          });
        }
      }
    },
  };
}

/**
 * A field typed with a named union of string literals (`quality: QualitySetting`) is listed with its values
 * (`'low' | 'medium' | 'high' | 'auto'`), so that the manifest, the README and editors show them: the values are
 * declared once, where the engine defines them, and the TypeScript checker expands the name here.
 */
function literalUnions() {
  return {
    name: 'vcw-literal-unions',
    packageLinkPhase({ customElementsManifest }) {
      const config = ts.getParsedCommandLineOfConfigFile(
        'tsconfig.json',
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
      );
      const modules = customElementsManifest.modules.filter((m) => m.declarations?.some((d) => d.customElement));
      const program = ts.createProgram(
        modules.map((m) => m.path),
        { ...config.options, noEmit: true },
      );
      const checker = program.getTypeChecker();
      for (const module of modules) {
        const source = program.getSourceFile(module.path);
        for (const element of module.declarations.filter((d) => d.customElement)) {
          const node = source?.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === element.name);
          for (const member of node?.members ?? []) {
            if (!ts.isPropertyDeclaration(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue;
            const type = checker.getTypeAtLocation(member);
            if (!type.isUnion() || !type.types.every((t) => t.isStringLiteral())) continue;
            const text = type.types.map((t) => `'${t.value}'`).join(' | ');
            const name = member.name.getText(source);
            for (const entry of [...(element.members ?? []), ...(element.attributes ?? [])]) {
              if (entry.name === name || entry.fieldName === name) entry.type = { text };
            }
          }
        }
      }
    },
  };
}

/**
 * Module paths as published: the manifest names `dist/src/…/x.js` (what `exports` serves), not
 * `src/…/x.ts`; a re-export's `./x.js` is resolved against the module that re-exports it.
 */
function publishedPaths() {
  const published = (path, from) => {
    const full = path.startsWith('.') ? posix.join(posix.dirname(from), path) : path;
    return full.replace(/^\/?src\/(.*)\.[jt]s$/, 'dist/src/$1.js');
  };
  const visit = (node, from) => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, from));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'path' || key === 'module') && typeof value === 'string') node[key] = published(value, from);
      else visit(value, from);
    }
  };
  return {
    name: 'vcw-published-paths',
    packageLinkPhase: ({ customElementsManifest }) =>
      customElementsManifest.modules.forEach((module) => visit(module, module.path)),
  };
}
