// @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`,
// which Node 20 refuses; this hook adds the attribute for every .json module.
export async function load(url, context, nextLoad) {
  if (url.endsWith('.json')) {
    return nextLoad(url, { ...context, importAttributes: { type: 'json' } });
  }
  return nextLoad(url, context);
}
