#include "gateway/web/web_assets.h"

#include <string.h>

/* Mobile first: everything fits 360 px; wide tables scroll inside their
 * box rather than the page. */
static const char css[] =
	":root{--fg:#1d2327;--muted:#5f6b73;--line:#d5dadd;--bg:#f6f7f8;--card:#fff;"
	"--accent:#0b6b58;--accent2:#e9f4f1;--warn:#9a5b00;--warnbg:#fff4e0;--err:#a3261b;"
	"--errbg:#fde9e7;}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
	"color:var(--fg);background:var(--bg)}\n"
	"a{color:var(--accent)}\n"
	"header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .9rem;padding:.5rem .8rem;"
	"background:var(--accent);color:#fff}\n"
	"header.top a{color:#fff;text-decoration:none}\n"
	".brand{font-weight:700;font-size:1.1rem;margin-right:.5rem}\n"
	"nav{display:flex;flex-wrap:wrap;gap:.2rem;flex:1 1 auto}\n"
	"nav a{padding:.3rem .55rem;border-radius:4px}\n"
	"nav a.on,nav a:hover{background:rgba(255,255,255,.2)}\n"
	".who{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem;font-size:.9rem}\n"
	".who .acct{opacity:.9}\n"
	"button.link{background:none;border:1px solid rgba(255,255,255,.6);color:#fff;"
	"padding:.2rem .5rem;border-radius:4px;cursor:pointer;font:inherit}\n"
	"main{max-width:72rem;margin:0 auto;padding:.8rem}\n"
	"h1{font-size:1.35rem;margin:.4rem 0 .8rem}\n"
	"h2{font-size:1.1rem;margin:1.2rem 0 .5rem}\n"
	"footer{color:var(--muted);font-size:.8rem;text-align:center;padding:1.5rem .5rem}\n"
	".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.8rem}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.7rem .9rem;"
	"min-width:0}\n"
	".card h2{margin-top:0}\n"
	".big{font-size:1.6rem;font-weight:700}\n"
	".muted{color:var(--muted);font-size:.9rem}\n"
	".tbl{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:6px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:.4rem .55rem;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"th{background:#eef1f2;font-weight:600;font-size:.9rem;white-space:nowrap}\n"
	"tr:last-child td{border-bottom:0}\n"
	".tag{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.8rem;background:#e6e9eb}\n"
	".tag.warn{background:var(--warnbg);color:var(--warn)}\n"
	".tag.ok{background:var(--accent2);color:var(--accent)}\n"
	".tag.err{background:var(--errbg);color:var(--err)}\n"
	".notice{padding:.6rem .8rem;border-radius:5px;margin:.5rem 0 1rem}\n"
	".notice.ok{background:var(--accent2);border:1px solid #b9dcd3}\n"
	".notice.err{background:var(--errbg);border:1px solid #f1b8b2;color:var(--err)}\n"
	".notice.warn{background:var(--warnbg);border:1px solid #f0d29e}\n"
	"form.stack label{display:block;margin:.6rem 0 .2rem;font-weight:600}\n"
	"form.stack .hint{font-weight:400;color:var(--muted);font-size:.85rem}\n"
	"input[type=text],input[type=password],input[type=tel],input[type=date],input[type=time],"
	"input[type=number],input[type=search],select,textarea{width:100%;max-width:100%;font:inherit;"
	"padding:.45rem .5rem;border:1px solid #aab4ba;border-radius:4px;background:#fff}\n"
	"textarea{min-height:4.5rem;resize:vertical}\n"
	".bad input,.bad textarea,.bad select{border-color:var(--err);background:var(--errbg)}\n"
	"button,.btn{font:inherit;padding:.45rem .9rem;border-radius:4px;border:1px solid var(--accent);"
	"background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}\n"
	"button.second,.btn.second{background:#fff;color:var(--accent)}\n"
	"button.danger{background:var(--err);border-color:var(--err)}\n"
	"form.inline{display:inline}\n"
	".row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}\n"
	".row>*{flex:1 1 9rem}\n"
	".row>button,.row>.btn{flex:0 0 auto}\n"
	".actions{display:flex;flex-wrap:wrap;gap:.4rem;margin:.8rem 0}\n"
	".actions form.row{flex:1 1 24rem}\n"
	".editor{display:grid;grid-template-columns:1fr;gap:1rem}\n"
	"@media (min-width:60rem){.editor{grid-template-columns:3fr 2fr}.editor .side{position:sticky;"
	"top:.5rem;align-self:start}}\n"
	".sms{background:#e8f5e9;border:1px solid #b7d9ba;border-radius:10px;padding:.5rem .7rem;"
	"margin:.4rem 0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem}\n"
	".sms .meta{display:block;color:var(--muted);font-size:.8rem;margin-top:.3rem}\n"
	".diff del{background:#fde9e7;text-decoration:line-through}\n"
	".diff ins{background:#e3f4e6;text-decoration:none}\n"
	".diff td{white-space:pre-wrap;overflow-wrap:anywhere}\n"
	".chart{margin:.8rem 0}.chart>svg{width:100%;height:auto;display:block}\n"
	".legend{display:flex;flex-wrap:wrap;gap:.3rem .8rem;font-size:.85rem;margin-top:.3rem}\n"
	".legend svg{vertical-align:-1px}\n"
	".days{display:flex;gap:.3rem;overflow-x:auto;padding-bottom:.3rem}\n"
	".days a{flex:0 0 auto;text-align:center;padding:.3rem .5rem;border:1px solid var(--line);"
	"border-radius:5px;background:#fff;text-decoration:none;color:var(--fg);min-width:4.2rem}\n"
	".days a.on{border-color:var(--accent);background:var(--accent2)}\n"
	".days a.closed{opacity:.55}\n"
	".days small{display:block;color:var(--muted);font-size:.75rem}\n"
	"ul.plain{list-style:none;padding:0;margin:0}\n"
	"ul.plain li{padding:.3rem 0;border-bottom:1px solid var(--line)}\n"
	"ul.plain li:last-child{border-bottom:0}\n"
	".login{max-width:24rem;margin:2rem auto}\n"
	"meter{width:100%}\n"
	"@media (max-width:30rem){body{font-size:15px}main{padding:.5rem}th,td{padding:.35rem .4rem}"
	".who .acct{display:none}}\n";

/* Plain script, no library. The console works without it: the preview
 * button posts the form, destructive buttons just post, "bỏ dấu" posts
 * and comes back with the text unaccented by the server. */
static const char js[] =
	"'use strict';\n"
	"document.addEventListener('DOMContentLoaded', function () {\n"
	"  document.querySelectorAll('[data-confirm]').forEach(function (el) {\n"
	"    el.addEventListener('click', function (ev) {\n"
	"      if (!window.confirm(el.getAttribute('data-confirm'))) ev.preventDefault();\n"
	"    });\n"
	"  });\n"
	"  document.addEventListener('click', function (ev) {\n"
	"    var b = ev.target.closest ? ev.target.closest('[data-fold]') : null;\n"
	"    var ta = b && document.getElementById(b.getAttribute('data-for'));\n"
	"    if (!ta) return;\n"
	"    ev.preventDefault(); ta.value = b.getAttribute('data-fold');\n"
	"    ta.dispatchEvent(new Event('input', {bubbles: true})); ta.focus();\n"
	"  });\n"
	"  var form = document.querySelector('form[data-preview]');\n"
	"  var box = document.getElementById('preview');\n"
	"  if (!form || !box || !window.fetch) return;\n"
	"  var timer = null, seq = 0;\n"
	"  function refresh() {\n"
	"    var mine = ++seq;\n"
	"    var body = new URLSearchParams(new FormData(form));\n"
	"    fetch(form.getAttribute('data-preview'), {method: 'POST', body: body,\n"
	"      credentials: 'same-origin', headers: {'X-Requested-With': 'fetch'}})\n"
	"      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })\n"
	"      .then(function (html) { if (mine === seq) { box.innerHTML = html;\n"
	"        box.setAttribute('data-seq', String(mine)); } })\n"
	"      .catch(function () { box.setAttribute('data-error', '1'); });\n"
	"  }\n"
	"  form.addEventListener('input', function () {\n"
	"    clearTimeout(timer); timer = setTimeout(refresh, 350);\n"
	"  });\n"
	"  var btn = document.getElementById('preview-btn');\n"
	"  if (btn) btn.hidden = true;\n"
	"});\n";

static const char icon[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
	"<rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#0b6b58\"/>"
	"<path d=\"M7 9h18v11H14l-5 4v-4H7z\" fill=\"#fff\"/></svg>\n";

static const struct web_asset assets[] = {
	{ "/static/app.css", "text/css; charset=utf-8", css, sizeof(css) - 1 },
	{ "/static/app.js", "text/javascript; charset=utf-8", js, sizeof(js) - 1 },
	{ "/static/icon.svg", "image/svg+xml", icon, sizeof(icon) - 1 },
	{ "/favicon.ico", "image/svg+xml", icon, sizeof(icon) - 1 },
};

const struct web_asset *web_assets_find(const char *path)
{
	for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++)
		if (strcmp(assets[i].path, path) == 0)
			return &assets[i];
	return NULL;
}
