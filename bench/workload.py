"""The benchmark workload: N two-part UCS-2 Vietnamese questions from N
distinct senders, the same for every daemon and every run (fixed seed).

Each message is 71..134 UTF-16 units with diacritics, so a phone stores it
as two UCS-2 parts (67 units each). Concatenation references are 16-bit
and distinct (1..N): gammu-smsd links parts with GSM_LinkSMS, which does
not compare senders, so equal 8-bit references from two senders would be
mixed up there - a property of gammu-smsd, not of the workload.
"""
import random

import benchlib

OPENERS = ["Cho em hỏi", "Cán bộ ơi cho tôi hỏi", "Xin hỏi", "Dạ cho em hỏi chút", "Chào anh chị, cho hỏi"]
QUESTIONS = [
    "hộ nghèo được hỗ trợ thẻ bảo hiểm y tế như thế nào",
    "vay vốn hộ nghèo ở ngân hàng chính sách lãi suất bao nhiêu một năm",
    "hộ cận nghèo được nhà nước hỗ trợ bao nhiêu tiền mua bảo hiểm y tế",
    "con em học cấp hai có được miễn giảm học phí không",
    "muốn vay tiền cho con đi học đại học thì thủ tục thế nào",
    "hộ mới thoát nghèo có được vay vốn ưu đãi nữa không",
    "nhà em bị dột muốn xin hỗ trợ làm nhà ở thì nộp hồ sơ ở đâu",
    "học nghề ngắn hạn cho người nghèo có được hỗ trợ tiền ăn không",
    "vay vốn đi xuất khẩu lao động Nhật Bản lãi suất bao nhiêu",
    "tiền điện hộ nghèo được hỗ trợ mỗi tháng bao nhiêu",
    "làm nhà vệ sinh với khoan giếng thì vay ở đâu",
    "công ty cho nghỉ việc rồi làm trợ cấp thất nghiệp thế nào",
]
PLACES = ["xã Tân Lập", "xã Hòa Bình", "thị trấn Phú Mỹ", "xã Đông Hưng", "xã Yên Thế",
          "xã Bình Minh", "phường Quang Trung", "xã Nghĩa Đàn", "xã Thạch Hà", "xã Kỳ Sơn"]
CLOSERS = ["Em cảm ơn ạ!", "Cảm ơn cán bộ nhiều.", "Mong được trả lời sớm ạ.", "Xin cảm ơn!",
           "Nhờ anh chị chỉ giúp ạ."]

SENDER_BASE = 84901000000  # +84901000000 + i


def sender(i):
    return "+%d" % (SENDER_BASE + i)


def messages(n, seed=9):
    """[(sender, text, ref)] - deterministic."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        for _ in range(100):
            text = "%s %s ạ? Nhà em ở %s. %s" % (rnd.choice(OPENERS), rnd.choice(QUESTIONS),
                                                 rnd.choice(PLACES), rnd.choice(CLOSERS))
            ucs2, parts = benchlib.inject_sms.split_parts(text)
            if ucs2 and len(parts) == 2:
                break
        else:
            raise RuntimeError("no two-part text found")
        out.append((sender(i), text, (i % 65535) + 1))
    return out


# Job questions (bench/rss_load.py mixes them in): the list, filters, pages
# and DK VIEC, as households write them.
JOB_QUESTIONS = ["VIEC", "VIEC may", "tim viec cong nhan o ba thien", "VIEC 3",
                 "viec lam tai nha cho phu nu", "co viec gan song lo ko", "DK VIEC bao ve",
                 "em 20 tuoi co viec gi lam dc ko", "VIEC xkld 2", "ung tuyen viec may o tan lap"]
JOB_SENDER_BASE = 84902000000


def job_messages(n):
    """[(sender, text, ref)]: n job questions, one per sender, refs after
    messages()'s (so the two lists can be injected together)."""
    return [("+%d" % (JOB_SENDER_BASE + i), JOB_QUESTIONS[i % len(JOB_QUESTIONS)],
             ((60000 + i) % 65535) + 1) for i in range(n)]


def inject_all(phone_dir, msgs):
    """Write every message into the phone (one file per part, atomically);
    returns {sender: written_ns} (after the message's last part)."""
    inj = benchlib.inject_sms.Injector(phone_dir)
    written = {}
    for who, text, ref in msgs:
        inj.inject(who, text, ref=ref, ref16=True)
        written[who] = benchlib.time.time_ns()
    return written
