using System.Text;

namespace ScimLite.Status.Page;

/// <summary>
/// The document around every status page: inline CSS (light and dark by the browser's preference, one column on a
/// phone), and on the main page a few lines of script that reload it every 30 s unless paused. Nothing is loaded from
/// anywhere: the Content-Security-Policy the handler sends allows only this inline style and the nonce'd script.
/// </summary>
public static class Layout
{
    const string Css = """
        :root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#555;--line:#d0d0d0;--card:#f6f6f6;--ok:#1b5e20;--bad:#b71c1c;--warn-bg:#fff3cd;--warn-fg:#5c4400;
        --c-created:#2e7d32;--c-deactivated:#c62828;--c-reactivated:#1565c0;--c-deleted:#6a1b9a;--c-members_added:#e65100;--c-members_removed:#00838f;--c-other:#757575}
        @media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#e8e8e8;--muted:#b0b0b0;--line:#3a3a3a;--card:#1e1e1e;--ok:#81c784;--bad:#ef9a9a;--warn-bg:#4a3b00;--warn-fg:#ffe8a3;
        --c-created:#66bb6a;--c-deactivated:#ef5350;--c-reactivated:#64b5f6;--c-deleted:#ba68c8;--c-members_added:#ffa726;--c-members_removed:#4dd0e1;--c-other:#bdbdbd}}
        *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        header,main,footer{max-width:72rem;margin:0 auto;padding:.75rem 1rem}header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
        h1{font-size:1.35rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}section{border-top:1px solid var(--line)}
        a{color:inherit}.muted{color:var(--muted)}.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}
        .warn{background:var(--warn-bg);color:var(--warn-fg);padding:.5rem .75rem;border-radius:4px}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
        .scroll{overflow-x:auto}.scroll table{min-width:36rem}.scroll svg{min-width:40rem}table{border-collapse:collapse;width:100%;font-size:.9rem}caption{text-align:left;color:var(--muted);padding:.25rem 0}
        th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}td{overflow-wrap:break-word}
        pre{background:var(--card);padding:.75rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem}
        button,input{font:inherit;color:inherit;background:var(--card);border:1px solid var(--muted);border-radius:4px;padding:.3rem .7rem}
        button[aria-pressed=true]{background:var(--fg);color:var(--bg)}
        svg{width:100%;height:auto;display:block}svg text{fill:var(--fg);font-size:11px}.axis{stroke:var(--muted);stroke-width:1}
        .hour:focus{outline:none}.hour:focus rect.hit,.hour:hover rect.hit{fill:var(--line);fill-opacity:.6}rect.hit{fill:transparent}
        .legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.5rem 0}.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
        #readout{min-height:1.5em}
        .s-created{fill:var(--c-created);background:var(--c-created)}.s-deactivated{fill:var(--c-deactivated);background:var(--c-deactivated)}.s-reactivated{fill:var(--c-reactivated);background:var(--c-reactivated)}
        .s-deleted{fill:var(--c-deleted);background:var(--c-deleted)}.s-members_added{fill:var(--c-members_added);background:var(--c-members_added)}.s-members_removed{fill:var(--c-members_removed);background:var(--c-members_removed)}.s-other{fill:var(--c-other);background:var(--c-other)}
        .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        """;

    /// <summary>Pause is remembered for the tab (sessionStorage); a hidden tab does not reload.</summary>
    const string Script = """
        (function(){
          var b=document.getElementById('pause');if(!b)return;var key='scimlite-status-paused';
          var paused=sessionStorage.getItem(key)==='1';
          function show(){b.setAttribute('aria-pressed',paused?'true':'false');}
          b.addEventListener('click',function(){paused=!paused;sessionStorage.setItem(key,paused?'1':'0');show();});
          show();
          setInterval(function(){if(!paused&&!document.hidden)location.reload();},30000);
          var out=document.getElementById('readout');
          document.querySelectorAll('.hour').forEach(function(g){
            var say=function(){out.textContent=g.querySelector('title').textContent;};
            g.addEventListener('focus',say);g.addEventListener('mouseenter',say);
          });
        })();
        """;

    public static string Document(string title, string body, string? nonce = null)
    {
        var html = new StringBuilder(body.Length + 8192);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append($"<title>{Html.E(title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n")
            .Append(body);
        if (nonce is not null)
            html.Append($"<script nonce=\"{nonce}\">{Script}</script>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }
}
