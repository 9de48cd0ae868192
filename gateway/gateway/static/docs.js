// The docs page (docs.html): renders /api/v1/openapi.json. A file, not inline, so the page
// runs under a Content-Security-Policy without 'unsafe-inline' (security_headers.py).
fetch("/api/v1/openapi.json").then(r => r.json()).then(doc => {
  const root = document.getElementById("api"); root.textContent = "";
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ||= []).push([method, path, op]);
  for (const [tag, ops] of Object.entries(byTag)) {
    const h = document.createElement("h2"); h.textContent = tag; root.append(h);
    for (const [method, path, op] of ops) {
      const div = document.createElement("div"); div.className = "op";
      const head = document.createElement("div");
      const m = document.createElement("span"); m.className = "m"; m.textContent = method.toUpperCase();
      const p = document.createElement("code"); p.textContent = path;
      head.append(m, p); div.append(head);
      const s = document.createElement("p"); s.textContent = op.summary + (op.description ? " " + op.description : "");
      div.append(s);
      const ref = op.requestBody && op.requestBody.content["application/json"].schema.$ref;
      if (ref) {
        const pre = document.createElement("pre");
        pre.textContent = JSON.stringify(doc.components.schemas[ref.split("/").pop()], null, 2);
        div.append(pre);
      }
      const r = document.createElement("p"); r.textContent = "Responses: " + Object.keys(op.responses).join(", ");
      div.append(r); root.append(div);
    }
  }
});
