/**
 * The weekly report's fast path (domain brief §4.3): /baocao, then six presses. `press` is the
 * button the bench client looks for on the keyboard the bot actually sent; `prompt` and `options`
 * are what baseline (b) asks, a hand-written copy of the same questions.
 */
export interface FastPathStep {
  prompt: string;
  options: Array<{ key: string; label: string }>;
  press: RegExp;
}

const yesNo = [
  { key: 'co', label: 'Có' },
  { key: 'khong', label: 'Không' },
];

export const FAST_PATH: FastPathStep[] = [
  {
    prompt: 'Tuần này tình hình Khu phố thế nào ạ?',
    options: [
      { key: 'on_dinh', label: '🟢 Ổn định' },
      { key: 'can_theo_doi', label: '🟡 Có việc cần theo dõi' },
      { key: 'phuc_tap', label: '🔴 Có vụ việc phức tạp' },
    ],
    press: /Ổn định$/,
  },
  {
    prompt: 'Tâm trạng chung của bà con, hội viên?',
    options: [
      { key: 'phan_khoi', label: 'Phấn khởi' },
      { key: 'binh_thuong', label: 'Bình thường' },
      { key: 'ban_khoan', label: 'Băn khoăn, lo lắng' },
      { key: 'buc_xuc', label: 'Bức xúc' },
    ],
    press: /^Bình thường$/,
  },
  {
    prompt: 'Bà con đang quan tâm, bàn tán nhiều về việc gì? (chọn được nhiều)',
    options: [
      { key: 'gia_ca_viec_lam', label: 'Giá cả, việc làm, thu nhập' },
      { key: 'dat_dai', label: 'Đất đai, giải phóng mặt bằng, xây dựng' },
      { key: 'moi_truong', label: 'Môi trường, vệ sinh' },
      { key: 'khong_noi_bat', label: 'Không có gì nổi bật' },
    ],
    press: /^Không có gì nổi bật$/,
  },
  {
    prompt: 'Tuần này có đơn thư, kiến nghị, phản ánh mới của người dân, hội viên không?',
    options: yesNo,
    press: /^Không$/,
  },
  {
    prompt: "Có tụ tập đông người, khiếu kiện đông người, hoặc việc có thể thành 'điểm nóng' không?",
    options: yesNo,
    press: /^Không$/,
  },
  {
    prompt: 'Đồng chí xem lại và bấm GỬI BÁO CÁO.',
    options: [
      { key: 'submit', label: 'Gửi báo cáo' },
      { key: 'edit', label: 'Sửa' },
    ],
    press: /^Gửi báo cáo$/,
  },
];
