/**
 * mplsgre/no-shell: no shell strings anywhere, argv arrays only (STYLE.md).
 *
 * Reports:
 *  - any `shell` property in an object literal whose value is not literally `false`;
 *  - `exec` / `execSync` from node:child_process (import, require, namespace member);
 *  - execa's string-command forms: the `$` export, `execaCommand*`, and template tags;
 *  - a command-running call (spawn, execFile, execLocal, host.exec, ...) whose first argument
 *    is a string with whitespace in it (a literal, a template or a concatenation): a command
 *    line, not a file;
 *  - `sh -c SCRIPT` where SCRIPT is anything but a fixed constant: an imported binding, or a
 *    module-level `const` built from string literals only. Inputs then travel as positional
 *    arguments (`sh -c SCRIPT sh arg1 arg2`), never inside the script.
 */

const CHILD_PROCESS = new Set(['child_process', 'node:child_process']);
const STRING_EXEC = new Set(['exec', 'execSync']);
const EXECA_STRING_EXPORTS = new Set(['$', 'execaCommand', 'execaCommandSync']);
/** Calls whose first argument must name a file, never hold a command line. */
const RUNNERS = new Set([
  'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork',
  'execLocal', 'startLocal', 'execa', 'execaSync', 'execaNode', 'exec', 'start',
]);
const SHELL = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|dash|ash|ksh|zsh)$/;
const DASH_C = /^-[a-zA-Z]*c[a-zA-Z]*$/;
const WHITESPACE = /\s/;

/** @param {import('estree').Node | null | undefined} node */
function stringValue(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** A template literal with substitutions: the fixed parts, for a whitespace test. */
function templateText(node) {
  if (node?.type !== 'TemplateLiteral') return undefined;
  return node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('${}');
}

/** A string concatenation (`'ip link del ' + dev`): its literal parts, for a whitespace test. */
function concatText(node) {
  if (node?.type !== 'BinaryExpression' || node.operator !== '+') return undefined;
  const part = (n) => stringValue(n) ?? templateText(n) ?? concatText(n) ?? '${}';
  return `${part(node.left)}${part(node.right)}`;
}

/** True for a string built from literals only: 'a', `a`, 'a' + 'b'. */
function isStaticString(node) {
  if (!node) return false;
  if (stringValue(node) !== undefined) return true;
  if (node.type === 'BinaryExpression' && node.operator === '+') return isStaticString(node.left) && isStaticString(node.right);
  return false;
}

function moduleSource(node) {
  // require('x'), import('x'), await import('x')
  let n = node;
  if (n?.type === 'AwaitExpression') n = n.argument;
  if (n?.type === 'ImportExpression') return stringValue(n.source);
  if (n?.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require') return stringValue(n.arguments[0]);
  return undefined;
}

function propertyName(node) {
  if (!node) return undefined;
  if (node.type === 'Identifier') return node.name;
  return stringValue(node);
}

/** The identifier at the root of `a`, `a.b`, `a(...)`, `a.b(...)`. */
function rootIdentifier(node) {
  let n = node;
  for (;;) {
    if (n.type === 'CallExpression') n = n.callee;
    else if (n.type === 'MemberExpression') n = n.object;
    else if (n.type === 'TSNonNullExpression' || n.type === 'TSAsExpression') n = n.expression;
    else break;
  }
  return n.type === 'Identifier' ? n : undefined;
}

function findVariable(scope, name) {
  for (let s = scope; s; s = s.upper) {
    const v = s.set.get(name);
    if (v) return v;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow shell strings: commands run as a file plus an argv array.',
    },
    schema: [],
    messages: {
      shellOption: '`shell: {{value}}` runs the command through a shell; pass argv arrays and leave `shell` out.',
      execImport: '`{{name}}` from {{source}} runs a command line through a shell; use execFile/spawn with argv or the Host seam.',
      execaString: 'execa `{{name}}` builds a command from a string; call execa(file, args) or use the Host seam.',
      execaTemplate: 'execa template tag `{{name}}`...`` parses a command line; call execa(file, args) or use the Host seam.',
      commandString: '`{{callee}}` got a command line in one string ("{{text}}"); pass the file and an argv array.',
      shellScript: '`{{file}} {{flag}}` with a script that is not a fixed constant; put the script in an imported or module-level const built from literals and pass inputs as positional arguments.',
    },
  },

  create(context) {
    const sourceCode = context.sourceCode;
    /** Local names bound to the whole child_process module (namespace, default, require). */
    const childProcessNamespaces = new Set();
    /** Local names bound to anything imported from execa. */
    const execaNames = new Map();

    /** Looks for SHELL, then its options, then a -c flag, then the script; `last` bounds where SHELL may sit. */
    function checkShellScript(node, elements, last) {
      for (let i = 0; i <= last && i < elements.length; i++) {
        const file = stringValue(elements[i]);
        if (file === undefined || !SHELL.test(file)) continue;
        let j = i + 1;
        while (j < elements.length) {
          const opt = stringValue(elements[j]);
          if (opt === undefined || !opt.startsWith('-')) break;
          if (DASH_C.test(opt)) {
            const script = elements[j + 1];
            if (!isFixedScript(script)) {
              context.report({ node: script ?? node, messageId: 'shellScript', data: { file, flag: opt } });
            }
            break;
          }
          j++;
        }
      }
    }

    /** An imported binding, or a module-level const initialised with a string built from literals. */
    function isFixedScript(node) {
      if (!node || node.type !== 'Identifier') return false;
      const variable = findVariable(sourceCode.getScope(node), node.name);
      const def = variable?.defs[0];
      if (!def || variable.defs.length !== 1) return false;
      if (def.type === 'ImportBinding') return true;
      if (def.type !== 'Variable' || def.parent?.kind !== 'const') return false;
      if (variable.scope.type !== 'module' && variable.scope.type !== 'global') return false;
      return isStaticString(def.node.init);
    }

    function calleeName(callee) {
      if (callee.type === 'Identifier') return { name: callee.name, member: false };
      if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
        return { name: callee.property.name, member: true };
      }
      return undefined;
    }

    function reportExecaImport(node, importedName) {
      if (EXECA_STRING_EXPORTS.has(importedName)) {
        context.report({ node, messageId: 'execaString', data: { name: importedName } });
      }
    }

    return {
      ImportDeclaration(node) {
        const source = node.source.value;
        if (node.importKind === 'type') return;
        if (CHILD_PROCESS.has(source)) {
          for (const s of node.specifiers) {
            if (s.type === 'ImportSpecifier') {
              if (s.importKind === 'type') continue;
              const imported = propertyName(s.imported);
              if (STRING_EXEC.has(imported)) {
                context.report({ node: s, messageId: 'execImport', data: { name: imported, source } });
              }
            } else {
              childProcessNamespaces.add(s.local.name);
            }
          }
        }
        if (source === 'execa') {
          for (const s of node.specifiers) {
            if (s.type === 'ImportSpecifier' && s.importKind === 'type') continue;
            const imported = s.type === 'ImportSpecifier' ? propertyName(s.imported) : '*';
            execaNames.set(s.local.name, imported);
            reportExecaImport(s, imported);
          }
        }
      },

      VariableDeclarator(node) {
        const source = moduleSource(node.init);
        if (source === undefined) return;
        if (node.id.type === 'Identifier') {
          if (CHILD_PROCESS.has(source)) childProcessNamespaces.add(node.id.name);
          if (source === 'execa') execaNames.set(node.id.name, '*');
          return;
        }
        if (node.id.type !== 'ObjectPattern') return;
        for (const p of node.id.properties) {
          if (p.type !== 'Property') continue;
          const imported = propertyName(p.key);
          if (CHILD_PROCESS.has(source) && STRING_EXEC.has(imported)) {
            context.report({ node: p, messageId: 'execImport', data: { name: imported, source } });
          }
          if (source === 'execa') {
            if (p.value.type === 'Identifier') execaNames.set(p.value.name, imported);
            reportExecaImport(p, imported);
          }
        }
      },

      MemberExpression(node) {
        if (node.object.type !== 'Identifier' || !childProcessNamespaces.has(node.object.name)) return;
        const name = node.computed ? stringValue(node.property) : node.property.name;
        if (STRING_EXEC.has(name)) {
          context.report({ node, messageId: 'execImport', data: { name, source: 'child_process' } });
        }
      },

      TaggedTemplateExpression(node) {
        const root = rootIdentifier(node.tag);
        if (!root) return;
        if (execaNames.has(root.name) || root.name === '$') {
          context.report({ node, messageId: 'execaTemplate', data: { name: sourceCode.getText(node.tag) } });
        }
      },

      Property(node) {
        if (node.parent.type !== 'ObjectExpression') return;
        const key = node.computed ? stringValue(node.key) : propertyName(node.key);
        if (key !== 'shell') return;
        if (node.value.type === 'Literal' && node.value.value === false) return;
        context.report({ node, messageId: 'shellOption', data: { value: sourceCode.getText(node.value) } });
      },

      ArrayExpression(node) {
        checkShellScript(node, node.elements, Infinity);
      },

      CallExpression(node) {
        const callee = calleeName(node.callee);
        if (!callee || !RUNNERS.has(callee.name)) return;
        // RegExp#exec takes a subject string, not a command.
        if (callee.member && callee.name === 'exec') {
          const obj = node.callee.object;
          if (obj.type === 'Literal' && obj.regex) return;
          if (obj.type === 'NewExpression' && obj.callee.type === 'Identifier' && obj.callee.name === 'RegExp') return;
        }
        const first = node.arguments[0];
        const text = stringValue(first) ?? templateText(first) ?? concatText(first);
        if (text !== undefined && WHITESPACE.test(text.trim())) {
          context.report({
            node: first,
            messageId: 'commandString',
            data: { callee: sourceCode.getText(node.callee), text: text.length > 40 ? `${text.slice(0, 37)}...` : text },
          });
          return;
        }
        const argv = node.arguments[1];
        if (first && argv?.type === 'ArrayExpression') {
          // `spawn('sh', ['-c', ...])`: the shell is the file, its flags lead the array
          // (a shell inside the array is the ArrayExpression visitor's).
          checkShellScript(node, [first, ...argv.elements], 0);
        }
      },
    };
  },
};

export default rule;
