// A small notes API on D1: GET /notes lists them, POST /notes adds one.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/notes") {
      return new Response("Not found", { status: 404 });
    }
    if (request.method === "POST") {
      const body = await request.text();
      await env.DB.prepare("INSERT INTO notes (body) VALUES (?)").bind(body).run();
      return new Response("Created", { status: 201 });
    }
    const { results } = await env.DB.prepare(
      "SELECT id, body, created_at FROM notes ORDER BY created_at DESC LIMIT 50",
    ).all();
    return Response.json(results);
  },
};
