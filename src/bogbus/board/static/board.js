// Bogbussens planlægningstavle: draws what /api/state says, sends moves and changes.
// No framework, no network beyond this server: the board works offline.
"use strict";
const TOKEN = document.querySelector('meta[name="board-token"]').content;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_DA = {mon: "Mandag", tue: "Tirsdag", wed: "Onsdag", thu: "Torsdag", fri: "Fredag",
                sat: "Lørdag", sun: "Søndag"};
const PX = 1.4;  // pixels per minute in the week grid
let S = null;    // the last /api/state
let map = null, markers = {}, routeLine = null, addMode = false;

function esc(t) {
  return String(t ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;"}[c]));
}
function hm(m) { return String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0"); }
function mins(t) { const [h, m] = t.split(":").map(Number); return h * 60 + m; }
function num(x, d = 1) { return x == null ? "–" : Number(x).toLocaleString("da-DK", {maximumFractionDigits: d}); }
function say(text, bad = true) { const m = document.getElementById("message"); m.textContent = text || ""; m.className = bad ? "bad" : "ok"; }

async function api(path, body) {
  const opts = {headers: {"X-Board-Token": TOKEN}};
  if (body !== undefined) {
    opts.method = "POST";
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  return {status: r.status, ok: r.ok, data};
}

async function load() {
  const r = await api("/api/state");
  if (!r.ok) { say(r.data && r.data.error); return; }
  S = r.data;
  document.getElementById("title").textContent = `${S.name} ${S.quarter}`;
  drawFigures(); drawGrid(); drawMap(); drawUnserved(); fillPlanLists(); showJob(S.job);
}

// -- key figures ---------------------------------------------------------------
function drawFigures() {
  const el = document.getElementById("figures");
  if (!S.plan) { el.innerHTML = "<div class='fig'>Ingen plan endnu — klik <b>Genplanlæg</b></div>"; return; }
  const f = S.plan.figures;
  const unserved = f.unserved.length;
  const items = [
    ["km i kvartalet", num(f.km_total), "fig-km"], ["km pr. uge (stop)", num(f.km_week), "fig-kmweek"],
    ["timer kørsel", num(f.drive_hours), "fig-hours"], ["timer åbent for borgere", num(f.public_service_hours), "fig-service"],
    ["børn nået", num(f.children_unique, 0), "fig-children"],
    ["afstand til nedre grænse", f.gap_pct == null ? "–" : num(f.gap_pct, 2) + " %", "fig-gap"],
    ["ikke betjent", unserved, "fig-unserved"]];
  el.innerHTML = items.map(([l, v, id]) => `<div class="fig" id="${id}"><b>${esc(v)}</b>${esc(l)}</div>`).join("")
    + `<div class="fig"><b>${esc(S.plan_file || "")}</b>plan på tavlen · scenarie ${esc(S.scenario_file)}</div>`;
}

function drawUnserved() {
  const el = document.getElementById("unserved");
  if (!S.plan || !S.plan.figures.unserved.length) { el.innerHTML = ""; return; }
  el.innerHTML = "<h3>Ikke betjent</h3><ul>" + S.plan.figures.unserved.map(u =>
    `<li>${esc(u.site_id)} ${esc(u.date || "")}: ${esc(u.reason)}</li>`).join("") + "</ul>";
}

// -- the week grid -------------------------------------------------------------
function drawGrid() {
  const grid = document.getElementById("grid");
  grid.innerHTML = "";
  if (!S.plan) return;
  const shifts = S.plan.shifts, vehicles = Object.keys(shifts);
  const days = DAYS.filter(d => vehicles.some(v => shifts[v][d]));
  let lo = 24 * 60, hi = 0;
  for (const v of vehicles) for (const d of days) if (shifts[v][d]) {
    const [a, b] = shifts[v][d].split("-"); lo = Math.min(lo, mins(a)); hi = Math.max(hi, mins(b));
  }
  lo = Math.floor(lo / 60) * 60; hi = Math.ceil(hi / 60) * 60;
  const height = (hi - lo) * PX, top = 28;
  const cycle = Math.min(4, Math.max(1, ...S.plan.cards.map(c => c.every_weeks)));
  const times = document.createElement("div");
  times.className = "timecol"; times.style.height = (height + top + 8) + "px";
  for (let m = lo; m <= hi; m += 60) {
    const s = document.createElement("span"); s.style.top = (top + (m - lo) * PX - 6) + "px"; s.textContent = hm(m); times.appendChild(s);
  }
  grid.appendChild(times);
  for (const d of days) {
    const col = document.createElement("div"); col.className = "day"; col.dataset.weekday = d;
    col.innerHTML = `<h3>${DAY_DA[d]}</h3>`;
    const lanes = document.createElement("div"); lanes.className = "lanes";
    for (const v of vehicles) {
      const lane = document.createElement("div");
      lane.className = "lane"; lane.dataset.vehicle = v; lane.dataset.weekday = d;
      lane.style.height = (height + 8) + "px";
      if (vehicles.length > 1) lane.innerHTML = `<span class="vehname">${esc(v)}</span>`;
      const sh = shifts[v][d];
      const shade = (a, b) => { if (b <= a) return; const o = document.createElement("div"); o.className = "offshift"; o.style.top = ((a - lo) * PX) + "px"; o.style.height = ((b - a) * PX) + "px"; lane.appendChild(o); };
      if (!sh) shade(lo, hi); else { const [a, b] = sh.split("-").map(mins); shade(lo, a); shade(b, hi); }
      for (let p = 0; p < cycle; p++) {
        const z = document.createElement("div");
        z.className = "zone"; z.dataset.vehicle = v; z.dataset.weekday = d; z.dataset.phase = p;
        z.style.left = (100 * p / cycle) + "%"; z.style.width = (100 / cycle) + "%";
        z.title = cycle > 1 ? `${DAY_DA[d]}, uge ${"ABCD"[p]}` : DAY_DA[d];
        z.addEventListener("dragover", e => { e.preventDefault(); z.classList.add("over"); });
        z.addEventListener("dragleave", () => z.classList.remove("over"));
        z.addEventListener("drop", e => { e.preventDefault(); z.classList.remove("over"); dropCard(e.dataTransfer.getData("text/plain"), z.dataset); });
        lane.appendChild(z);
      }
      for (const c of S.plan.cards.filter(c => c.vehicle === v && c.weekday === d)) lane.appendChild(cardEl(c, lo));
      lanes.appendChild(lane);
    }
    col.appendChild(lanes);
    grid.appendChild(col);
  }
}

function cardEl(c, lo) {
  const el = document.createElement("div");
  const n = c.every_weeks, p = c.phase % Math.max(1, n);
  el.className = "card" + (n > 1 ? " phase" + (p % 3) : "") + (c.moved ? " moved" : "") + (c.pinned ? " pinned" : "") + (c.closed ? " closed" : "");
  el.id = "card-" + c.site_id; el.dataset.site = c.site_id; el.draggable = !c.closed;
  const dur = Math.max(22, (mins(c.departure) - mins(c.arrival)) * PX);
  el.style.top = ((mins(c.arrival) - lo) * PX) + "px"; el.style.height = dur + "px";
  const cycle = n > 1 ? n : 1;
  el.style.left = (n > 1 ? 100 * p / cycle : 0) + "%"; el.style.width = (100 / cycle) + "%";
  el.innerHTML = `<span class="t">${esc(c.arrival)}</span> ${esc(c.name)}<br><span class="r">${esc(c.rhythm)}${n > 1 ? ", uge " + "ABCD"[p] : ""}</span>`;
  el.title = `${c.site_id} ${c.name}: ${c.arrival}–${c.departure}, ${c.rhythm}`;
  el.addEventListener("dragstart", e => { e.dataTransfer.setData("text/plain", c.site_id); e.dataTransfer.effectAllowed = "move"; });
  el.addEventListener("mouseenter", () => highlight(c));
  el.addEventListener("mouseleave", () => highlight(null));
  el.addEventListener("click", () => openEditor(c.site_id));
  return el;
}

async function dropCard(sid, zone) {
  const card = S.plan.cards.find(c => c.site_id === sid);
  if (!card) return;
  const phase = Number(zone.phase) % Math.max(1, card.every_weeks);
  if (card.vehicle === zone.vehicle && card.weekday === zone.weekday && card.phase === phase) return;
  const out = document.getElementById("move-result");
  out.className = ""; out.dataset.state = "busy"; out.textContent = `Beregner ${card.name} → ${DAY_DA[zone.weekday]} …`;
  const r = await api("/api/move", {site: sid, vehicle: zone.vehicle, weekday: zone.weekday, phase, version: S.version});
  if (r.status === 409) { out.className = "bad"; out.textContent = "Scenariet er ændret i et andet vindue — tavlen genindlæses."; await load(); out.dataset.state = "conflict"; return; }
  if (!r.ok) { out.className = "bad"; out.textContent = r.data ? r.data.error : "fejl"; out.dataset.state = "error"; return; }
  const a = r.data;
  if (!a.feasible) { out.className = "bad"; out.textContent = `Kan ikke flyttes: ${a.reason}`; out.dataset.state = "refused"; return; }
  const sign = a.km_week_delta > 0 ? "+" : "";
  out.className = "good";
  out.textContent = `${card.name} flyttet til ${DAY_DA[zone.weekday]} kl. ${a.arrival}: ${sign}${num(a.km_week_delta)} km/uge ` +
    `(${num(a.km_week_before)} → ${num(a.km_week_after)} km/uge for de to dage), svar på ${Math.round(a.seconds * 1000)} ms. Fastlåst i ${S.scenario_file}; genplanlæg for at få hele kvartalet.`;
  out.dataset.delta = a.km_week_delta;
  await load();
  out.dataset.state = "moved";
}

// -- the map --------------------------------------------------------------------
const KIND_COLOUR = {stop: "#0b72b9", daycare: "#e76f51", nursing_home: "#2a9d8f", branch: "#6d597a", depot: "#222"};
function drawMap() {
  if (!S.plan) return;
  if (!map) {
    map = L.map("map", {zoomSnap: 0.25});
    map.on("click", e => { if (addMode) openAdd(e.latlng); });
  }
  for (const m of Object.values(markers)) m.remove();
  markers = {};
  const pts = [];
  for (const p of S.plan.points) {
    const closed = S.closed.includes(p.id);
    const m = L.circleMarker([p.lat, p.lon], {radius: p.kind === "stop" ? 6 : 5, color: KIND_COLOUR[p.kind] || "#444",
      fillOpacity: closed ? 0.1 : 0.8, weight: 2}).addTo(map);
    m.bindTooltip(`${p.id} ${p.name}`);
    if (p.kind === "stop") m.on("click", ev => { L.DomEvent.stopPropagation(ev); openEditor(p.id); });
    markers[p.id] = m; pts.push([p.lat, p.lon]);
  }
  if (pts.length && !map._fitted) { map.fitBounds(pts, {padding: [20, 20]}); map._fitted = true; }
}

function highlight(c) {
  document.querySelectorAll(".card.hot").forEach(e => e.classList.remove("hot"));
  for (const [id, m] of Object.entries(markers)) m.setStyle({radius: 6, weight: 2});
  if (routeLine) { routeLine.remove(); routeLine = null; }
  if (!c) return;
  document.getElementById("card-" + c.site_id)?.classList.add("hot");
  if (c.route && c.route.length > 1 && map) routeLine = L.polyline(c.route, {color: "#e76f51", weight: 4}).addTo(map);
  const m = markers[c.site_id];
  if (m) { m.setStyle({radius: 11, weight: 4}); m.bringToFront(); }
  map.getContainer().dataset.highlighted = c.site_id;
}

// -- changing a stop --------------------------------------------------------------
const FIELDS = [["earliest", "Tidligst (TT:MM)"], ["latest", "Senest (TT:MM)"], ["duration_min", "Ophold (min)"], ["every_weeks", "Hver N. uge"]];
function openEditor(sid) {
  if (!S.plan) return;
  const s = S.plan.sites[sid] || {id: sid, name: sid};
  const ed = document.getElementById("editor");
  ed.hidden = false;
  const closed = S.closed.includes(sid), pinned = S.pins[sid];
  ed.innerHTML = `<h3>${esc(sid)} ${esc(s.name)}</h3>` +
    FIELDS.map(([k, l]) => `<label>${l} <input name="${k}" value="${esc(s[k] ?? "")}"><span class="field-msg" data-field="${k}"></span></label>`).join("") +
    `<button id="ed-save">Gem ændring</button> ` +
    (closed ? `<button id="ed-reopen">Genåbn stop</button>` : `<button id="ed-close">Luk stoppet</button>`) +
    (pinned ? ` <button id="ed-unpin">Fjern fastlåsning (${esc(pinned.fixed_day)} ${esc(pinned.fixed_time || "")})</button>` : "") +
    `<span class="field-msg" data-field="_"></span>`;
  ed.querySelector("#ed-save").onclick = () => {
    const fields = {};
    for (const [k] of FIELDS) {
      const v = ed.querySelector(`input[name=${k}]`).value.trim();
      if (String(s[k] ?? "") !== v) fields[k] = (k === "duration_min" || k === "every_weeks") && /^\d+$/.test(v) ? Number(v) : v;
    }
    if (!Object.keys(fields).length) { showFieldMsgs(ed, [{column: "_", message: "Intet ændret"}]); return; }
    change({op: "modify", site: sid, fields}, ed);
  };
  ed.querySelector("#ed-close")?.addEventListener("click", () => change({op: "close", site: sid}, ed));
  ed.querySelector("#ed-reopen")?.addEventListener("click", () => change({op: "reopen", site: sid}, ed));
  ed.querySelector("#ed-unpin")?.addEventListener("click", () => change({op: "unpin", site: sid}, ed));
}

function showFieldMsgs(ed, problems) {
  ed.querySelectorAll(".field-msg").forEach(e => e.textContent = "");
  for (const p of problems) {
    const col = String(p.column || "_");
    const key = col.split(".").pop();
    const slot = ed.querySelector(`.field-msg[data-field="${key}"]`) || ed.querySelector('.field-msg[data-field="_"]');
    slot.textContent += (p.text || p.message) + " ";
  }
}

async function change(ch, ed) {
  const r = await api("/api/change", {change: ch, version: S.version});
  if (r.status === 409) { say("Scenariet er ændret i et andet vindue — tavlen er genindlæst."); await load(); return false; }
  if (!r.ok) { showFieldMsgs(ed, r.data.problems || [{column: "_", message: r.data.error}]); return false; }
  say(`Gemt i ${S.scenario_file}. Genplanlæg for at se virkningen.`, false);
  await load();
  if (ch.site && typeof ch.site === "string") openEditor(ch.site);
  return true;
}

function openAdd(latlng) {
  addMode = false;
  const ed = document.getElementById("editor");
  ed.hidden = false;
  const days = Object.keys(Object.values(S.plan.shifts)[0] || {}).join(",");
  ed.innerHTML = `<h3>Nyt stop ved ${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}</h3>
    <label>Id <input name="id" value="S${90 + S.added.length}"><span class="field-msg" data-field="id"></span></label>
    <label>Navn <input name="name" value=""><span class="field-msg" data-field="name"></span></label>
    ${FIELDS.map(([k, l]) => `<label>${l} <input name="${k}" value="${{earliest: "14:00", latest: "16:00", duration_min: 30, every_weeks: 2}[k]}"><span class="field-msg" data-field="${k}"></span></label>`).join("")}
    <label>Dage <input name="days" value="${esc(days)}"><span class="field-msg" data-field="days"></span></label>
    <button id="add-save">Tilføj stop</button><span class="field-msg" data-field="_"></span>`;
  ed.querySelector("#add-save").onclick = () => {
    const v = k => ed.querySelector(`input[name=${k}]`).value.trim();
    change({op: "add", site: {id: v("id"), name: v("name"), lat: Number(latlng.lat.toFixed(5)), lon: Number(latlng.lng.toFixed(5)),
      earliest: v("earliest"), latest: v("latest"), duration_min: Number(v("duration_min")) || v("duration_min"),
      every_weeks: Number(v("every_weeks")) || v("every_weeks"), days: v("days").split(",").map(x => x.trim()).filter(Boolean)}}, ed);
  };
}

// -- re-plan ----------------------------------------------------------------------
let polling = null;
function showJob(j) {
  const st = document.getElementById("job-status"), cancel = document.getElementById("cancel");
  if (!j) { st.textContent = ""; cancel.hidden = true; return; }
  const names = {running: "planlægger", done: "færdig", failed: "fejlede", cancelled: "annulleret"};
  st.dataset.state = j.state;
  st.textContent = `${names[j.state]}: ${j.phase}` + (j.state === "running" ? ` · ${Math.round(j.elapsed_s)} s brugt, højst ${Math.round(j.left_s)} s tilbage` : "") +
    (j.errors.length ? " — " + j.errors.join("; ") : "");
  cancel.hidden = j.state !== "running";
  if (j.state === "running" && !polling) polling = setInterval(poll, 500);
}
async function poll() {
  const r = await api("/api/job");
  const j = r.data;
  if (!j || j.state !== "running") { clearInterval(polling); polling = null; await load(); return; }
  showJob(j);
}

// -- compare ----------------------------------------------------------------------
const FIG_DA = [["km_total", "km i kvartalet"], ["drive_hours", "timer kørsel"], ["public_service_hours", "timer åbent"],
  ["public_stops_served", "stop betjent"], ["stop_visits", "stopbesøg"], ["daycare_visits", "dagtilbudsbesøg"],
  ["children_unique", "børn nået"], ["nursing_home_visits", "plejehjemsbesøg"], ["unserved_count", "ikke betjent"], ["gap_pct", "afstand til grænse %"]];
const KIND_DA = {weekday_moved: "ny ugedag", time_moved: "nyt tidspunkt", frequency_changed: "ny rytme", dropped: "nedlagt", added: "nyt stop", vehicle_changed: "ny bil"};
function fillPlanLists() {
  const opts = [["board", "Tavlens plan"]].concat(S.plans.map(p => [p, p + (p === S.published ? " (publiceret)" : "")]));
  for (const [id, def] of [["cmp-a", S.published || "board"], ["cmp-b", "board"]]) {
    const sel = document.getElementById(id), keep = sel.value;
    sel.innerHTML = opts.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join("");
    sel.value = keep && opts.some(o => o[0] === keep) ? keep : def;
  }
}
async function compare() {
  const a = document.getElementById("cmp-a").value, b = document.getElementById("cmp-b").value;
  const q = `a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
  const r = await api("/api/compare?" + q);
  if (!r.ok) { say(r.data.error); return; }
  const [sa, sb] = r.data.sources;
  document.getElementById("cmp-figures").innerHTML = `<table class="cmp" id="cmp-table"><tr><th></th><th>${esc(sa.source)}</th><th>${esc(sb.source)}</th></tr>` +
    FIG_DA.map(([k, l]) => `<tr><td>${l}</td><td>${num(sa[k], 2)}</td><td>${num(sb[k], 2)}</td></tr>`).join("") + "</table>";
  const stops = (r.data.changes[0] || {stops: []}).stops;
  document.getElementById("cmp-changes").innerHTML = stops.length ? "<ul id='cmp-stops'>" + stops.map(s =>
    `<li>${esc(s.site_id)} ${esc(s.name)}: ${s.kinds.map(k => KIND_DA[k] || k).join(", ")}${s.from ? ` (fra ${esc(DAY_DA[s.from.weekday] || "")} ${esc(s.from.arrival || "")}` : ""}${s.to ? ` til ${esc(DAY_DA[s.to.weekday] || "")} ${esc(s.to.arrival || "")})` : s.from ? ")" : ""}</li>`).join("") + "</ul>"
    : "<p id='cmp-stops'>Ingen stop ændres.</p>";
  document.getElementById("cmp-map").src = "/api/compare/map?" + q;
}

// -- institutions -------------------------------------------------------------------
async function drawCalendar(month) {
  const r = await api("/api/institutions" + (month ? "?month=" + month : ""));
  if (!r.ok) { say(r.data.error); return; }
  const sel = document.getElementById("inst-month");
  sel.innerHTML = r.data.months.map(m => `<option>${m}</option>`).join(""); sel.value = r.data.month;
  const cal = document.getElementById("calendar");
  cal.innerHTML = ["Man", "Tir", "Ons", "Tor", "Fre", "Lør", "Søn"].map(d => `<div class="calday other"><b>${d}</b></div>`).join("");
  const [y, m] = r.data.month.split("-").map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1)), lead = (first.getUTCDay() + 6) % 7;
  for (let i = 0; i < lead; i++) cal.insertAdjacentHTML("beforeend", "<div class='calday other'></div>");
  const ndays = new Date(Date.UTC(y, m, 0)).getUTCDate();
  for (let d = 1; d <= ndays; d++) {
    const iso = `${r.data.month}-${String(d).padStart(2, "0")}`;
    const cell = document.createElement("div"); cell.className = "calday"; cell.dataset.date = iso;
    cell.innerHTML = `<span class="d">${d}.</span>`;
    for (const v of r.data.visits.filter(v => v.date === iso)) {
      const e = document.createElement("div"); e.className = "visit " + v.kind; e.draggable = true;
      e.dataset.site = v.site_id; e.dataset.date = v.date;
      e.title = `lever: ${v.deliver.join(", ") || "–"} · hent: ${v.collect.join(", ") || "–"}`;
      e.innerHTML = `${esc(v.arrival)} ${esc(v.name)}<br><small>${esc(v.deliver.join(", "))}</small>`;
      e.addEventListener("dragstart", ev => ev.dataTransfer.setData("text/plain", JSON.stringify({site: v.site_id, from: v.date})));
      cell.appendChild(e);
    }
    cell.addEventListener("dragover", e => { e.preventDefault(); cell.classList.add("over"); });
    cell.addEventListener("dragleave", () => cell.classList.remove("over"));
    cell.addEventListener("drop", async e => {
      e.preventDefault(); cell.classList.remove("over");
      const v = JSON.parse(e.dataTransfer.getData("text/plain"));
      const res = await api("/api/institutions/check", {site: v.site, from: v.from, to: iso});
      const out = document.getElementById("inst-result");
      if (!res.ok) { out.className = "bad"; out.textContent = res.data.error; return; }
      out.className = res.data.ok ? "ok" : "bad";
      out.textContent = res.data.ok ? `${v.site} kan flyttes fra ${v.from} til ${iso}: afstanden mellem besøgene holder.`
        : `${v.site} ${v.from} → ${iso} bryder: ` + res.data.problems.join("; ");
    });
    cal.appendChild(cell);
  }
}

// -- publish ---------------------------------------------------------------------------
async function publish() {
  const out = document.getElementById("pub-result");
  out.textContent = "Udgiver …";
  const r = await api("/api/publish", {});
  if (!r.ok) { out.className = "bad"; out.textContent = r.data.error; return; }
  out.className = "ok";
  out.innerHTML = `<p id="pub-count">${r.data.written.length} filer skrevet.</p><ul>` + r.data.written.map(p =>
    `<li><a href="/files/${encodeURI(p)}?download=1">${esc(p)}</a>${p.endsWith(".pdf") ? ` <a href="#" data-preview="${esc(p)}">vis</a>` : ""}</li>`).join("") + "</ul>";
  out.querySelectorAll("a[data-preview]").forEach(a => a.addEventListener("click", e => { e.preventDefault(); document.getElementById("pdf-preview").src = "/files/" + encodeURI(a.dataset.preview); }));
  const poster = r.data.pdfs.find(p => p.includes("poster-"));
  if (poster) document.getElementById("pdf-preview").src = "/files/" + encodeURI(poster);
  await load();
}

// -- wiring ---------------------------------------------------------------------------
document.querySelectorAll(".tab").forEach(b => b.addEventListener("click", () => {
  document.querySelectorAll(".tab").forEach(x => x.classList.toggle("active", x === b));
  document.querySelectorAll(".tabpanel").forEach(p => p.hidden = p.id !== "tab-" + b.dataset.tab);
  if (b.dataset.tab === "institutions") drawCalendar();
  if (b.dataset.tab === "quarter" && map) map.invalidateSize();
}));
document.getElementById("replan").onclick = async () => {
  const r = await api("/api/replan", {});
  if (!r.ok) { say(r.data.error); return; }
  say("", false); showJob(r.data);
};
document.getElementById("cancel").onclick = async () => { const r = await api("/api/job/cancel", {}); showJob(r.data); };
document.getElementById("cmp-go").onclick = compare;
document.getElementById("inst-month").onchange = e => drawCalendar(e.target.value);
document.getElementById("publish").onclick = publish;
document.getElementById("add-stop").onclick = () => { addMode = true; say("Klik på kortet, hvor det nye stop skal ligge.", false); };
load();
