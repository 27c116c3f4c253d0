'use strict';
/**
 * Success response schemas for the OpenAPI document, from the return types of the gateway's controller methods
 * (`Promise<Page<AccountView>>` → a Page_AccountView schema). The views are TypeScript interfaces, which carry no
 * runtime metadata for @nestjs/swagger; the compiler API reads them instead, as for the AsyncAPI document.
 */
const path = require('node:path');
const ts = require('typescript');
const { SchemaBuilder } = require('./asyncapi');

const ROOT = path.resolve(__dirname, '..', '..');
const HTTP = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);

/** operationId (`AccountsController_list`, @nestjs/swagger's default) → the method's declared result type. */
function controllerResults(program, checker) {
  const out = new Map();
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(path.join(ROOT, 'apps', 'gateway', 'src'))) continue;
    const visit = (node) => {
      if (ts.isClassDeclaration(node) && node.name) {
        const isController = (ts.getDecorators(node) ?? []).some(
          (d) => ts.isCallExpression(d.expression) && d.expression.expression.getText(sf) === 'Controller',
        );
        if (!isController) return;
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !member.name) continue;
          const http = (ts.getDecorators(member) ?? []).some(
            (d) => ts.isCallExpression(d.expression) && HTTP.has(d.expression.expression.getText(sf)),
          );
          if (!http) continue;
          const sig = checker.getSignatureFromDeclaration(member);
          if (!sig) continue;
          out.set(`${node.name.text}_${member.name.getText(sf)}`, checker.getReturnTypeOfSignature(sig));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

function unwrapPromise(checker, type) {
  const sym = type.getSymbol();
  if (sym?.getName() === 'Promise') return checker.getTypeArguments(type)[0] ?? type;
  return type;
}

/** Adds `application/json` schemas to success responses that declare none. Returns how many it added. */
function addResponseSchemas(openapi, program) {
  const checker = program.getTypeChecker();
  const results = controllerResults(program, checker);
  const builder = new SchemaBuilder(checker, { openapi30: true });
  const existing = openapi.components?.schemas ?? {};
  // Names Swagger already uses stay Swagger's (the request DTO classes): our copies get a suffix.
  for (const name of Object.keys(existing)) builder.components[name] = existing[name];
  const before = new Set(Object.keys(builder.components));
  let added = 0;
  for (const item of Object.values(openapi.paths ?? {})) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      const type = results.get(op.operationId);
      if (!type) continue;
      const result = unwrapPromise(checker, type);
      const f = result.flags;
      if (f & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Any | ts.TypeFlags.Unknown))
        continue;
      const ok = Object.entries(op.responses ?? {}).find(([code]) => /^2/.test(code));
      if (!ok || ok[1].content || ok[0] === '204') continue;
      ok[1].content = { 'application/json': { schema: builder.schema(result) } };
      added++;
    }
  }
  openapi.components = openapi.components ?? {};
  openapi.components.schemas = openapi.components.schemas ?? {};
  for (const [name, schema] of Object.entries(builder.components))
    if (!before.has(name)) openapi.components.schemas[name] = schema;
  return added;
}

module.exports = { addResponseSchemas };
