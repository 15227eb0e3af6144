import socket, struct, sys, select, time
src, dst, dport = sys.argv[1], sys.argv[2], int(sys.argv[3])
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return ~s&0xffff
def probe(sport, flags):
    s=socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    hdr=struct.pack('!HHIIBBHHH', sport, dport, 1000, 0, 5<<4, flags, 64240, 0, 0)
    ph=struct.pack('!4s4sBBH', socket.inet_aton(src), socket.inet_aton(dst), 0, 6, len(hdr))
    c=csum(ph+hdr); hdr=hdr[:16]+struct.pack('!H',c)+hdr[18:]
    s.sendto(hdr,(dst,0))
    end=time.time()+1.0
    while time.time()<end:
        r,_,_=select.select([s],[],[],0.2)
        if not r: continue
        pkt=s.recv(100); ihl=(pkt[0]&15)*4; t=pkt[ihl:]
        sp,dp=struct.unpack('!HH',t[:4]); fl=t[13]
        if sp==dport and dp==sport: return fl
    return None
for sport, flags in [(40000,0x02),(0,0x02),(40001,0x0a),(40002,0x22),(40003,0xc2),(40004,0x03),(40005,0x06),(40006,0x12),(40007,0x42),(40008,0x82),(40009,0x2a)]:
    fl=probe(sport, flags)
    print("sport=%d flags=0x%02x -> %s" % (sport, flags, 'none' if fl is None else hex(fl)))
