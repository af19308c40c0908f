// GET /api/hello: a Pages Function, bundled and uploaded by `wrangler pages deploy`.
export function onRequestGet({ request }) {
  const country = request.cf?.country ?? "somewhere";
  return Response.json({ message: `Hello from a Pages Function, visitor from ${country}` });
}
