/**
 * The Slack viewer's stylesheet (inline in each page: its CSP allows inline styles and nothing
 * else). Close enough to Slack's look to recognise: aubergine sidebar, avatars with initials, bold
 * names, grey times, green primary buttons, mention chips.
 */
export const VIEWER_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI","Lato","Helvetica Neue",Helvetica,Arial,sans-serif;color:#1d1c1d;background:#fff}
a{color:#1264a3;text-decoration:none}a:hover{text-decoration:underline}
code{font:12px/1.5 Monaco,Menlo,Consolas,"Courier New",monospace;color:#e01e5a;background:#f6f6f6;border:1px solid #e1e1e1;border-radius:3px;padding:1px 3px}
.app-frame{display:flex;min-height:100vh}
.sidebar{width:220px;flex:none;background:#3f0e40;color:#cfc3cf;padding:12px 0}
.sidebar .workspace{display:block;color:#fff;font-weight:900;font-size:17px;padding:4px 16px 12px;border-bottom:1px solid #5d3a5e}
.sidebar .section-title{padding:12px 16px 4px;font-size:14px}
.sidebar ul{list-style:none;margin:0;padding:0}
.sidebar li a{display:block;color:#cfc3cf;padding:2px 16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sidebar li a.current{background:#1164a3;color:#fff}
main{flex:1;min-width:0}
.channel-head{padding:10px 20px;border-bottom:1px solid #e2e2e2}
.channel-head h1{margin:0;font-size:18px;font-weight:900}
.topic,.members{color:#616061;font-size:13px}
.messages{padding:8px 0 24px}
.conversation{padding:0}
.msg{display:flex;gap:8px;padding:8px 20px}
.msg:hover{background:#f8f8f8}
.avatar{flex:none;width:36px;height:36px;border-radius:4px;color:#fff;font-weight:700;font-size:14px;display:flex;align-items:center;justify-content:center}
.c0{background:#4a154b}.c1{background:#1264a3}.c2{background:#2eb67d}.c3{background:#e01e5a}.c4{background:#ecb22e;color:#1d1c1d}.c5{background:#36c5f0}.c6{background:#7c3085}.c7{background:#616061}
.body{min-width:0;flex:1}
.meta{display:flex;align-items:baseline;gap:6px}
.name{font-weight:900}
.app{font-size:10px;font-weight:700;color:#616061;background:#ebeaeb;border-radius:2px;padding:0 3px}
time,.edited{color:#616061;font-size:12px}
.event{color:#868686;font-size:11px;margin-left:auto;font-family:Monaco,Menlo,monospace}
.text{word-wrap:break-word;overflow-wrap:anywhere}
blockquote{margin:4px 0;padding-left:12px;border-left:4px solid #dddddd;color:#1d1c1d}
.mention{color:#1264a3;background:#e8f5fa;border-radius:3px;padding:0 2px}
.mention.broadcast{background:#fcf3d0;color:#1d1c1d}
.block{margin:4px 0}
.section{display:flex;gap:12px;align-items:flex-start}.section>div:first-child{flex:1;min-width:0}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px;margin-top:6px}
.context{color:#616061;font-size:12px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.btn{display:inline-block;border:1px solid #c4c4c4;border-radius:4px;padding:3px 12px;font-size:13px;font-weight:700;background:#fff;color:#1d1c1d}
.btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.btn.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.header{font-size:18px;font-weight:900}
hr.divider{border:0;border-top:1px solid #e2e2e2}
.attachment{border-left:4px solid #dddddd;padding-left:12px;margin-top:4px}
.unknown,.image{color:#868686;font-style:italic}
.thread{margin:0 20px 8px 64px;border-left:2px solid #e2e2e2}
.thread .msg{padding:6px 12px}
.thread-head{font-size:13px;font-weight:700;color:#1264a3;padding:2px 12px}
.ephemeral{background:#f8f8f8}
.divider-title{font-size:13px;color:#616061;margin:16px 20px 4px}
.empty{color:#616061;padding:0 20px}
.index{padding:0 20px}
.index h2{font-size:16px;margin:20px 0 8px}
.index table{border-collapse:collapse;width:100%;font-size:14px}
.index th,.index td{text-align:left;border-bottom:1px solid #eee;padding:6px 8px;vertical-align:top}
.overlay{background:#1d1c1d80;min-height:100vh;padding:16px 20px 32px}
.about{margin:0 auto 12px;max-width:540px;color:#fff;font-size:12px}
.modal{max-width:540px;margin:0 auto;background:#fff;border-radius:8px;box-shadow:0 18px 48px #00000059}
.modal-head{display:flex;justify-content:space-between;align-items:center;padding:16px 24px;border-bottom:1px solid #e2e2e2}
.modal-head h1{margin:0;font-size:20px;font-weight:900}
.x{color:#616061;font-size:22px}
.modal-body{padding:8px 24px 16px}
.modal-foot{display:flex;justify-content:flex-end;gap:8px;padding:16px 24px;border-top:1px solid #e2e2e2}
.modal-foot .btn{padding:6px 16px;font-size:15px}
.input{margin:14px 0}
.input label{display:block;font-weight:700;margin-bottom:6px}
.optional,.hint,.limit{color:#616061;font-weight:400;font-size:13px}
.hint{margin-top:4px}
.box{display:flex;justify-content:space-between;align-items:center;border:1px solid #868686;border-radius:4px;padding:7px 10px;min-height:38px}
.textinput.multiline{min-height:88px;align-items:flex-start}
.placeholder{color:#868686}
.caret{color:#616061}
.options{list-style:none;margin:4px 0 0;padding:4px 6px;border:1px solid #e2e2e2;border-radius:4px;display:flex;flex-wrap:wrap;gap:2px 6px;font-size:12px;color:#616061}
.options li{padding:0 4px}
.options li.selected{color:#fff;background:#1264a3;border-radius:3px}
.file{margin:6px 0 0;display:inline-block;border:1px solid #e2e2e2;border-radius:8px;overflow:hidden;max-width:100%}
.file img{display:block;max-width:min(560px,100%);height:auto}
.file figcaption{padding:4px 10px;font-size:13px;color:#616061}
`;
