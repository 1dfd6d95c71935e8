extension BeritaAcaraDocument {
    /// The built-in template (mustache; `{{x}}` escapes HTML). An office replaces it with
    /// `templates/berita-acara.mustache` beside the inventory folder.
    public static let defaultTemplate = #"""
    <!DOCTYPE html>
    <html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Berita Acara {{number}}</title>
    <style>
    body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 2cm; }
    h1 { font-size: 14pt; text-align: center; margin-bottom: 0.2em; } h2 { font-size: 12pt; margin-top: 1.5em; }
    p.org { text-align: center; margin-top: 0; }
    table.f th { text-align: left; width: 12em; vertical-align: top; font-weight: normal; } table.f td { vertical-align: top; }
    table.f td.sep { width: 1em; }
    ul { margin: 0; padding-left: 1.2em; } .small { font-size: 9pt; color: #333; }
    .sig { display: flex; justify-content: space-between; margin-top: 3em; } .sig div { width: 40%; }
    .line { margin-top: 4em; border-bottom: 1px dotted #000; min-height: 1.2em; }
    @media print { a { color: black; } }
    @media screen and (max-width: 700px) { body { margin: .6em; overflow-wrap: anywhere; } table.f th { width: 8em; } .sig { flex-direction: column; } .sig div { width: 100%; } }
    </style></head><body>
    <h1>Berita Acara Penanganan Layanan Jaringan Intra Pemerintah Daerah</h1>
    <p class="org">{{organization}}</p>
    <table class="f">
    <tr><th>Nomor Tiket</th><td class="sep">:</td><td>{{number}}</td></tr>
    <tr><th>Ditugaskan Kepada</th><td class="sep">:</td><td>{{#assignedTo}}{{assignedTo}}{{/assignedTo}}{{^assignedTo}}-{{/assignedTo}}</td></tr>
    <tr><th>Nama Petugas</th><td class="sep">:</td><td>{{#officers}}{{.}}<br>{{/officers}}{{^officers}}-{{/officers}}</td></tr>
    <tr><th>Kebutuhan</th><td class="sep">:</td><td>{{need}}</td></tr>
    <tr><th>Ringkasan Masalah</th><td class="sep">:</td><td>{{problemSummary}}</td></tr>
    <tr><th>Ringkasan Pekerjaan</th><td class="sep">:</td><td>{{workSummary}}</td></tr>
    <tr><th>Alternatif Solusi</th><td class="sep">:</td><td>{{alternative}}</td></tr>
    <tr><th>Lokasi</th><td class="sep">:</td><td>{{location}}</td></tr>
    </table>
    <h2>Rincian gangguan</h2>
    <table class="f">
    <tr><th>Prioritas</th><td class="sep">:</td><td>{{priority}} <span class="small">({{priorityReason}})</span></td></tr>
    <tr><th>Dugaan penyebab</th><td class="sep">:</td><td>{{cause}}</td></tr>
    <tr><th>Akar masalah</th><td class="sep">:</td><td>{{root}}</td></tr>
    <tr><th>Mulai gangguan</th><td class="sep">:</td><td>{{started}}</td></tr>
    <tr><th>Tiket dibuka</th><td class="sep">:</td><td>{{opened}}</td></tr>
    <tr><th>Pulih</th><td class="sep">:</td><td>{{recovered}}</td></tr>
    <tr><th>Lama gangguan</th><td class="sep">:</td><td>{{duration}}</td></tr>
    <tr><th>Situs terdampak</th><td class="sep">:</td><td>{{#hasSites}}<ul>{{#sites}}<li>{{name}} ({{id}})</li>{{/sites}}</ul>{{/hasSites}}{{^hasSites}}- (pemberitahuan, tidak ada situs terputus){{/hasSites}}</td></tr>
    <tr><th>Bukti</th><td class="sep">:</td><td><ul>{{#evidence}}<li>{{.}}</li>{{/evidence}}</ul></td></tr>
    <tr><th>Target layanan</th><td class="sep">:</td><td><ul>{{#sla}}<li>{{label}}: {{value}}</li>{{/sla}}</ul></td></tr>
    </table>
    {{#hasSteps}}<h2>Langkah penanganan</h2>
    <table class="f">{{#steps}}<tr><th>{{label}}</th><td class="sep">:</td><td>{{value}}</td></tr>{{/steps}}</table>{{/hasSteps}}
    <div class="sig">
    <div>Pemohon,<div class="line">{{requesterName}}</div>NIP.</div>
    <div>{{#city}}{{city}}, {{/city}}{{signedOn}}<br>Petugas,<div class="line">{{officerName}}</div>NIP. {{officerNIP}}</div>
    </div>
    </body></html>
    """#
}
