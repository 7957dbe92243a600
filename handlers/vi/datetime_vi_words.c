/* datetime_vi_words.c - see datetime_vi_words.h. */
#include "handlers/vi/datetime_vi_words.h"

#include <stddef.h>

/* Parts of the day. */
const char *const datetime_vi_words_part[] = { "sang", "trua", "chieu", "toi", "dem", "khuya", NULL };

/* Words after a number that make it a quantity, not a day or an hour. */
const char *const datetime_vi_words_unit[] = {
	"trieu", "tr", "ty", "ti", "nghin", "ngan", "k", "dong", "d", "vnd", "cu", "usd",
	"nguoi", "ng", "khau", "tuoi", "con", "cai", "chiec", "kg", "ky", "ha", "sao", "m",
	"m2", "met", "lit", "tan", "ta", "phan", "lan", "ngay", "tuan", "thang", "tieng",
	"phut", "diem", "bao", "bo", "ga", "heo", "lon", "cay", "cong", "km", "so", "ho",
	"suat", "xuat", "phong", "trang", "bai", "cau", NULL
};

/* Words before "d/m" that make it an address, a code or a ratio ("hem
 * 3/12", "duong 3/2" is the street named after 3 February, "ty le 1/3"). */
const char *const datetime_vi_words_address[] = {
	"so", "hem", "ngo", "ngach", "kiet", "duong", "pho", "to", "khom", "ap", "khu",
	"lo", "phong", "can", "ql", "tl", "km", "ut", "ma", "sdt", "dt", "lop", "xom",
	"thon", "doi", "p", "q", "f", "tang", "ban", "nha", "le", "chiem", NULL
};

/* Words before "thu N" that make it an ordinal ("lan thu 2"). */
const char *const datetime_vi_words_ordinal[] = {
	"lan", "con", "nguoi", "dua", "chau", "hang", "so", "ky", "dot", "buoc", "vong",
	"tap", "phan", "lop", "dieu", "muc", "khoan", "chuong", "bai", "cau", "trang",
	"tuan", "thang", "nam", "giai", "ban", "hoc", "ca", "dong", "tang", "phong", "vi",
	"hang", "la", NULL
};

/* Names and kinship words before "mai": "chi Mai", "Nguyen Thi Mai". */
const char *const datetime_vi_words_name_before_mai[] = {
	"chi", "co", "em", "anh", "ba", "ong", "di", "thim", "ban", "ten", "hoa", "be",
	"chau", "cu", "bac", "me", "ma", "thi", "van", "ngoc", "thanh", "xuan", "tuyet",
	"dao", "nguyen", "tran", "le", "pham", "hoang", "vu", "vo", "dang", "bui", "ly",
	"mai", "cay", "canh", "la", NULL
};

/* Verbs of coming before a clause-final "mot" (mốt): "qua mot", "hen mot". */
const char *const datetime_vi_words_mot_before[] = { "qua", "ra", "len", "den", "ve", "hen", "gap", "lai",
					    "sang", "xuong", "toi", NULL };

/* Words before "ngay N" that make it a count of days ("moi ngay 2 lan"). */
const char *const datetime_vi_words_count[] = {
	"moi", "cac", "nhung", "vai", "may", "mot", "hai", "ba", "bon", "nam", "bay",
	"tam", "chin", "muoi", "nua", "trong", "tung", "hang", "cung", NULL
};

/* Words before a number that make the hour a duration ("trong 2 gio"). */
const char *const datetime_vi_words_duration[] = {
	"trong", "mat", "tong", "them", "sau", "moi", "hon", "tre", "muon", "cach", NULL
};

const char *const datetime_vi_words_sang_after[] = {
	"nha", "ben", "thang", "nam", "tuan", "ten", "nhuong", "trong", "qua", "do",
	"day", "lai", "viet", "tay", "ngang", "trang", "gia", "so", "toi", "ho", NULL
};
const char *const datetime_vi_words_sang_before[] = {
	"doi", "chuyen", "di", "qua", "buoc", "dich", "gui", "chay", "bay", "nhay", "ghe",
	"dua", "mang", "keo", "ve", "dem", "lan", "sang", "tran", "toi", "se", "em", "anh",
	"chi", "minh", NULL
};
const char *const datetime_vi_words_chieu_after[] = {
	"cao", "dai", "rong", "sau", "phim", "nguoc", "theo", "y", "khach", "chuong", "le",
	"tin", "ngang", "doc", "nghi", "mua", NULL
};
const char *const datetime_vi_words_chieu_before[] = {
	"cai", "chiec", "tam", "may", "nhieu", "mot", "hai", "ba", "trai", "phim", "can",
	"cac", NULL
};

/* Connectors allowed between a written date and a weekday that names it. */
const char *const datetime_vi_words_gap[] = { "ngay", "la", "tuc", "vao", "nhe", "hom", "luc", NULL };
