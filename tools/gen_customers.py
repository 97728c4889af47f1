#!/usr/bin/env python3
"""Writes N synthetic customers as an import CSV (canonical headers) for `make bench`.

Deterministic (seeded), realistic enough for search: Chinese names built from place
stems and shop words, Chongqing districts and townships, mobile numbers, a tenth of
them sub-distributors serving the rest.
"""
import random
import sys

n = int(sys.argv[1])
prefix = sys.argv[2] if len(sys.argv) > 2 else "B"
rnd = random.Random(f"20261127-{prefix}")
districts = {
    "渝北区": ["两路街道", "龙溪街道", "回兴街道", "木耳镇", "兴隆镇"],
    "江北区": ["观音桥街道", "石马河街道", "五里店街道", "鱼嘴镇"],
    "沙坪坝区": ["小龙坎街道", "磁器口街道", "井口街道", "青木关镇"],
    "九龙坡区": ["杨家坪街道", "石桥铺街道", "西彭镇", "白市驿镇"],
    "南岸区": ["南坪街道", "弹子石街道", "长生桥镇", "迎龙镇"],
    "巴南区": ["鱼洞街道", "李家沱街道", "界石镇", "木洞镇"],
    "北碚区": ["北温泉街道", "天生街道", "澄江镇", "静观镇"],
    "江津区": ["几江街道", "德感街道", "白沙镇", "油溪镇"],
}
surnames = "刘陈张李王杨黄赵周吴徐孙胡朱高何郭罗谭冉"
words = ["超市", "便利店", "小卖部", "火锅", "小面", "烟酒店", "副食店", "商行", "百货", "食杂店"]
types = {"超市": "supermarket", "便利店": "convenience_store", "小卖部": "kiosk", "火锅": "restaurant", "小面": "restaurant"}
reps = ["zhangwei", "lina", "zhaolei", "sunli", "zhoujie", "zhengfang", ""]
out = sys.stdout
out.write("code,name,kind,terminal_type,parent_code,district,township,address,phone,contact,rep_login\n")
subs = []
for i in range(n):
    d = rnd.choice(list(districts))
    t = rnd.choice(districts[d])
    stem = t.replace("街道", "").replace("镇", "")
    s = rnd.choice(surnames)
    code = f"{prefix}{i:07d}"
    phone = f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}"
    rep = rnd.choice(reps)
    if i % 10 == 0:
        name = f"{stem}{s}氏批发部{i}"
        out.write(f"{code},{name},sub_distributor,,,{d},{t},重庆市{d}{t}{rnd.randrange(1, 999)}号,{phone},{s}老板,{rep}\n")
        subs.append(code)
    else:
        w = rnd.choice(words)
        name = f"{stem}{s}记{w}{i}"
        parent = rnd.choice(subs) if subs and rnd.random() < 0.6 else ""
        out.write(f"{code},{name},terminal,{types.get(w, 'other')},{parent},{d},{t},重庆市{d}{t}{rnd.randrange(1, 999)}号,{phone},{s}{rnd.choice('明华强丽军')},{rep}\n")
