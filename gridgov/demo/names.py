"""Synthetic Chinese names for the demo city: common surnames by rough frequency and
given-name characters by gender. Deterministic for a given random.Random."""

import itertools
import random

# The most common surnames, most frequent first; weights fall off so that 王/李/张
# are common and the tail is rare, as in a real register.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = list(itertools.accumulate(1.0 / (i + 8) for i in range(len(SURNAMES))))

MALE_CHARS = "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宁健俊峰建国志新海林东文博浩宇天晨思远立成德金龙庆永祥春生"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英兰红梅琳燕萍雪琴云莲丹慧洁淑华倩颖婷佳欣怡雯璐月凤玉珍春晓秋"

# Names that belong to people named in the seed reports: the generator never
# hands them to anyone else, so that a lookup by name finds exactly that person.
RESERVED = {"郑海维", "翟成淮", "蓝彬"}


class NameGenerator:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]

    def given(self, gender: str) -> str:
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
        # About one person in six has a one-character given name.
        if self.rng.random() < 0.16:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def full(self, gender: str, surname: str | None = None) -> str:
        while True:
            name = (surname or self.surname()) + self.given(gender)
            if name not in RESERVED:
                return name
