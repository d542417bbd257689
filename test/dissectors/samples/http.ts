// Whole HTTP/1.x messages for the conformance suite. Origins: the public capture
// zeek-wikipedia-http-dns-nbns (frames 6 and 7, as tshark numbers them) and hand-built messages
// following RFC 9112 (start line, header fields, Content-Length and chunked bodies) where noted.
const t = (s: string) => Buffer.from(s, 'latin1').toString('hex');

export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 0, hex: t('GET / HTTP/1.1\r\nHost: www.wikipedia.org\r\nUser-Agent: Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15\r\nAccept-Encoding: gzip,deflate\r\nConnection: keep-alive\r\nIf-Modified-Since: Sun, 6 Mar 2011 22:45:51 GMT\r\n\r\n'), note: 'GET / (zeek-wikipedia-http-dns-nbns frame 6, some Accept fields left out)' },
  { dir: 1, hex: t('HTTP/1.0 304 Not Modified\r\nDate: Fri, 18 Mar 2011 19:06:08 GMT\r\nContent-Type: text/html; charset=utf-8\r\nConnection: keep-alive\r\n\r\n'), note: '304 Not Modified (zeek-wikipedia-http-dns-nbns frame 7, X-Cache fields left out)' },
  { dir: 0, hex: t('POST /cgi-bin/setpoint HTTP/1.1\r\nHost: 10.80.0.20\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nsp=42.5'), note: 'hand-built POST with Basic credentials admin/admin and a 7-byte body' },
  { dir: 1, hex: t('HTTP/1.1 200 OK\r\nServer: GoAhead-Webs/2.5.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), note: 'hand-built chunked 200 from an embedded web server' },
];
