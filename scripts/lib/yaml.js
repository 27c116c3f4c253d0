'use strict';
/** A small YAML 1.2 emitter for JSON-shaped data (block style; strings quoted whenever plain style is unsafe). */

const PLAIN = /^[A-Za-z_$/][A-Za-z0-9_ ./$#:()+-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '.nan';
  if (typeof v === 'boolean') return String(v);
  const s = String(v);
  if (s === '' || RESERVED.test(s) || !PLAIN.test(s) || /: |:$| #|\s$/.test(s)) return JSON.stringify(s);
  return s;
}

function key(k) {
  return /^[A-Za-z_$][A-Za-z0-9_$.-]*$/.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);
}

function isEmpty(v) {
  return (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && Object.keys(v).length === 0);
}

function emit(v, indent) {
  const pad = '  '.repeat(indent);
  if (Array.isArray(v)) {
    return v
      .map((item) => {
        if (item && typeof item === 'object' && !isEmpty(item)) {
          const inner = emit(item, indent + 1).replace(/^\s+/, '');
          return `${pad}- ${inner}`;
        }
        return `${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`;
      })
      .join('\n');
  }
  return Object.entries(v)
    .filter(([, val]) => val !== undefined)
    .map(([k, val]) => {
      if (val && typeof val === 'object') {
        if (isEmpty(val)) return `${pad}${key(k)}: ${Array.isArray(val) ? '[]' : '{}'}`;
        return `${pad}${key(k)}:\n${emit(val, indent + 1)}`;
      }
      return `${pad}${key(k)}: ${scalar(val)}`;
    })
    .join('\n');
}

function toYaml(value) {
  return `${emit(value, 0)}\n`;
}

module.exports = { toYaml };
